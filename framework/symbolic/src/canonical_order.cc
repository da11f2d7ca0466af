#include "hnn/symbolic/canonical_order.h"

#include <algorithm>
#include <initializer_list>
#include <sstream>
#include <string_view>
#include <utility>
#include <vector>

namespace hnn::symbolic {
namespace {

using GiNaC::ex;
using GiNaC::ex_to;
using GiNaC::is_a;
using GiNaC::numeric;

// Binding strength of a printed expression: what needs parentheses where.
enum class Precedence { kSum, kProduct, kPower, kAtom };

struct Printed {
  std::string text;
  Precedence precedence;
};

// The pieces one after the other (appended: GCC 12 warns falsely (-Wrestrict) about
// "(" + std::string).
std::string joined(std::initializer_list<std::string_view> pieces) {
  std::string text;
  for (const std::string_view piece : pieces) text.append(piece);
  return text;
}

std::string wrapped(const Printed& printed, Precedence needed) {
  return printed.precedence < needed ? joined({"(", printed.text, ")"}) : printed.text;
}

class Printer {
 public:
  Printed print(const ex& e) {
    if (is_a<numeric>(e)) return number(ex_to<numeric>(e));
    if (is_a<GiNaC::add>(e)) return sum(e);
    if (is_a<GiNaC::mul>(e)) return product(e);
    if (is_a<GiNaC::power>(e)) return power(e);
    if (is_a<GiNaC::function>(e)) {
      std::string text = ex_to<GiNaC::function>(e).get_name() + "(";
      for (std::size_t k = 0; k < e.nops(); ++k) {
        if (k > 0) text += ',';
        text += print(e.op(k)).text;
      }
      return {text + ")", Precedence::kAtom};
    }
    if (e.is_equal(GiNaC::Pi)) return {"pi", Precedence::kAtom};  // parse_formula's name
    return {ginac_text(e), Precedence::kAtom};  // symbols, other constants, anything else
  }

 private:
  static Printed number(const numeric& value) {
    const std::string text = ginac_text(value);
    if (!value.is_real() || value.is_negative()) return {text, Precedence::kSum};
    if (!value.is_integer() && value.is_rational()) return {text, Precedence::kProduct};
    return {text, Precedence::kAtom};
  }

  // The operands of a sum or product: the numbers apart, the rest sorted by key.
  std::pair<numeric, std::vector<ex>> split(const ex& e, const numeric& neutral) {
    numeric number = neutral;
    std::vector<ex> rest;
    for (std::size_t k = 0; k < e.nops(); ++k) {
      if (is_a<numeric>(e.op(k))) {
        number = is_a<GiNaC::add>(e) ? number + ex_to<numeric>(e.op(k))
                                     : number * ex_to<numeric>(e.op(k));
      } else {
        rest.push_back(e.op(k));
      }
    }
    std::stable_sort(rest.begin(), rest.end(), [this](const ex& a, const ex& b) {
      const std::string &a_key = term_key(a), &b_key = term_key(b);
      return a_key != b_key ? a_key < b_key : keys_.key(a) < keys_.key(b);
    });
    return {number, rest};
  }

  // The key of a term without its numeric factor, so that -x and 3*x sort where x does.
  const std::string& term_key(const ex& e) {
    if (is_a<GiNaC::mul>(e)) {
      for (std::size_t k = 0; k < e.nops(); ++k) {
        if (is_a<numeric>(e.op(k))) return keys_.key(e / e.op(k));
      }
    }
    return keys_.key(e);
  }

  Printed sum(const ex& e) {
    auto [constant, terms] = split(e, numeric(0));
    std::vector<std::string> texts;
    for (const ex& term : terms) texts.push_back(print(term).text);
    if (!constant.is_zero()) texts.push_back(number(constant).text);
    std::string text;
    for (const std::string& term : texts) {
      if (!text.empty() && term.front() != '-') text += '+';
      text += term;
    }
    return {text, Precedence::kSum};
  }

  Printed product(const ex& e) {
    auto [coefficient, factors] = split(e, numeric(1));
    std::string text;
    for (const ex& factor : factors) {
      if (!text.empty()) text += '*';
      text += wrapped(print(factor), Precedence::kProduct);
    }
    if (text.empty()) return number(coefficient);
    if (coefficient == numeric(1)) return {text, Precedence::kProduct};
    if (coefficient == numeric(-1)) return {joined({"-", text}), Precedence::kSum};
    const bool real = coefficient.is_real();
    const std::string factor =
        real ? number(coefficient).text : joined({"(", number(coefficient).text, ")"});
    return {factor + "*" + text,
            real && coefficient.is_negative() ? Precedence::kSum : Precedence::kProduct};
  }

  Printed power(const ex& e) {
    const ex base = e.op(0), exponent = e.op(1);
    if (exponent.is_equal(GiNaC::numeric(1, 2))) {
      return {joined({"sqrt(", print(base).text, ")"}), Precedence::kAtom};
    }
    // GiNaC keeps (x - y)^2 as it met it, or as (-x + y)^2, by its stored order: an even
    // power of a sum is printed with the sign that makes the first term positive.
    Printed shown_base = print(base);
    if (is_a<GiNaC::add>(base) && is_a<numeric>(exponent) && ex_to<numeric>(exponent).is_even()) {
      Printed negated = print(-base);
      const bool base_negative = shown_base.text.front() == '-';
      if (base_negative != (negated.text.front() == '-') ? base_negative
                                                         : keys_.key(-base) < keys_.key(base)) {
        shown_base = std::move(negated);
      }
    }
    const std::string base_text = wrapped(shown_base, Precedence::kAtom);
    return {base_text + "^" + wrapped(print(exponent), Precedence::kAtom), Precedence::kPower};
  }

  CanonicalKeys keys_;
};

}  // namespace

const std::string& CanonicalKeys::key(const ex& e) {
  const auto found = keys_.find(e);
  if (found != keys_.end()) return found->second;
  std::string key;
  if (is_a<GiNaC::add>(e) || is_a<GiNaC::mul>(e)) {
    std::vector<std::string> parts;
    for (std::size_t k = 0; k < e.nops(); ++k) parts.push_back(this->key(e.op(k)));
    std::sort(parts.begin(), parts.end());
    key = is_a<GiNaC::add>(e) ? "add(" : "mul(";
    for (const auto& part : parts) key += part + ",";
    key += ")";
  } else if (e.nops() == 0) {
    key = ginac_text(e);  // a number (exact text), a symbol or a constant
  } else {
    key = ex_to<GiNaC::basic>(e).class_name();
    if (is_a<GiNaC::function>(e)) key += ":" + ex_to<GiNaC::function>(e).get_name();
    key += "(";
    for (std::size_t k = 0; k < e.nops(); ++k) key += this->key(e.op(k)) + ",";
    key += ")";
  }
  return keys_.emplace(e, std::move(key)).first->second;
}

std::string canonical_text(const ex& e) { return Printer().print(e).text; }

std::string ginac_text(const ex& e) {
  std::ostringstream text;
  text << e;
  return text.str();
}

}  // namespace hnn::symbolic
