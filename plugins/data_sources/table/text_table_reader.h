// Reading text tables: CSV and whitespace-separated text, including the Schmidt-Lipson
// format (spec real_data.md §1).
//
// Lines that are blank or start (after blanks) with '#' or '%' are skipped; "\r\n" and
// "\n" both end a line; a leading UTF-8 byte order mark is skipped. The columns are named by, in
// this order of preference:
//   1. the `column_names` of the request;
//   2. a header row: the first row that is not a comment, when one of its fields is not a
//      number (CSV: "trajectory,t,q,p"; text: "t q p");
//   3. the last comment line before the first data row, split like a row after its
//      leading '#'/'%' characters ("# t,q,p" as numpy.savetxt writes it), when it has
//      one name per column; when its count differs it names nothing, and a name that is
//      then not found says so;
//   4. kSchmidtLipson: line 1 must be a '%' header naming the state columns; columns 0 and
//      1 are named "trial" and "t", the header's names go to columns 2, 3, ...; columns
//      past them (derived quantities in some files) are unnamed.
// Every data row must have as many fields as the first (or the header row). Only the
// requested columns are read as numbers (others may hold text, such as a "split" column).
#ifndef HNN_PLUGINS_TABLE_TEXT_TABLE_READER_H_
#define HNN_PLUGINS_TABLE_TEXT_TABLE_READER_H_

#include <string>
#include <string_view>

#include "table_columns.h"
#include "table_problems.h"

namespace hnn::data_sources {

enum class TextDialect {
  kCsv,            // fields separated by ',', optionally in double quotes ("" inside: a quote)
  kWhitespace,     // fields separated by blanks or tabs
  kSchmidtLipson,  // whitespace-separated; the header rule 4 above
};

// Reads the requested columns of the text table `bytes` (the contents of `file_name`, used
// in messages only). Problems (each located file:line:column, the request's key as path)
// go to `problems`; the result is then incomplete and must not be used. Never throws for
// any input bytes. The result's `locate` refers to `bytes`.
SelectedColumns parse_text_table(std::string_view bytes, const std::string& file_name,
                                 TextDialect dialect, const TableRequest& request,
                                 TableProblems& problems);

}  // namespace hnn::data_sources

#endif  // HNN_PLUGINS_TABLE_TEXT_TABLE_READER_H_
