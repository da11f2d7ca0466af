#include "table_columns.h"

#include <algorithm>
#include <charconv>

#include "hnn/did_you_mean.h"

namespace hnn::data_sources {
namespace {

// "0 'trial', 1 't', 2 'o', 3 'v', 4" (at most 30 columns, then "...").
std::string list_columns(const ColumnNames& columns) {
  constexpr std::size_t kMaxListed = 30;
  std::string text;
  for (std::size_t i = 0; i < columns.names.size() && i < kMaxListed; ++i) {
    if (!text.empty()) text += ", ";
    text += std::to_string(i);
    if (!columns.names[i].empty()) text += " '" + columns.names[i] + "'";
  }
  if (columns.names.size() > kMaxListed) text += ", ...";
  return text;
}

std::string columns_phrase(std::size_t count) {
  return std::to_string(count) + (count == 1 ? " column" : " columns");
}

}  // namespace

bool is_column_index(const std::string& reference) {
  return !reference.empty() && std::all_of(reference.begin(), reference.end(),
                                           [](char c) { return c >= '0' && c <= '9'; });
}

std::string column_label(const ColumnNames& columns, int index) {
  const auto i = static_cast<std::size_t>(index);
  if (i < columns.names.size() && !columns.names[i].empty()) return columns.names[i];
  return "column " + std::to_string(index);
}

std::optional<std::vector<int>> resolve_columns(const TableRequest& request,
                                                const ColumnNames& columns,
                                                TableProblems& problems) {
  std::vector<int> indices;
  bool ok = true;
  const std::size_t count = columns.names.size();
  auto fail = [&](const ColumnRequest& column, std::string message, bool name_missing = false) {
    ConfigProblem problem = columns.where;
    problem.path = column.key;
    if (name_missing && !columns.note.empty()) message += "; " + columns.note;
    problem.message = std::move(message);
    problems.add(std::move(problem));
    ok = false;
  };
  for (const ColumnRequest& column : request.columns) {
    const std::string& reference = column.reference;
    if (is_column_index(reference)) {
      std::size_t index = 0;
      const auto [end, error] =
          std::from_chars(reference.data(), reference.data() + reference.size(), index);
      if (error != std::errc() || end != reference.data() + reference.size() || index >= count) {
        fail(column, "column index " + reference + " does not exist: " + columns.owner + " has " +
                         columns_phrase(count) + " (indices 0 to " +
                         std::to_string(count == 0 ? 0 : count - 1) + ")");
        continue;
      }
      indices.push_back(static_cast<int>(index));
      continue;
    }
    std::vector<int> matches;
    for (std::size_t i = 0; i < count; ++i) {
      if (columns.names[i] == reference) matches.push_back(static_cast<int>(i));
    }
    if (matches.size() == 1) {
      indices.push_back(matches[0]);
      continue;
    }
    if (matches.size() > 1) {
      fail(column, "the column name '" + reference + "' is ambiguous: columns " +
                       std::to_string(matches[0]) + " and " + std::to_string(matches[1]) +
                       " both have it; choose the column by index");
      continue;
    }
    std::vector<std::string> candidates;
    for (const std::string& name : columns.names) {
      if (!name.empty()) candidates.push_back(name);
    }
    const std::string suggestion = did_you_mean(reference, candidates);
    std::string message = "no column named '" + reference + "'";
    if (!suggestion.empty()) message += " (did you mean '" + suggestion + "'?)";
    message +=
        "; " + columns.owner + " has " + columns_phrase(count) + ": " + list_columns(columns);
    if (candidates.empty()) message += " (no names: choose columns by index or set column_names)";
    fail(column, std::move(message), true);
  }
  if (!ok) return std::nullopt;
  return indices;
}

}  // namespace hnn::data_sources
