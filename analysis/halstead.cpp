// Halstead metrics exactly as radon 5.1.0 computes them (radon/visitors.py HalsteadVisitor and
// radon/metrics.py h_visit_ast), emulated over the tree-sitter CST in one walk over its flat copy
// (FlatTree).
//
// What radon counts, and how it maps onto the CST:
//  - Operators are ast operator class names (Add, USub, And, NotIn, ...) counted by BinOp,
//    UnaryOp, BoolOp, AugAssign and Compare; the set of distinct operators ignores context.
//  - Operands are (context, value) pairs. The context is the name of the innermost enclosing
//    function (None outside functions; radon resets it only in visit_FunctionDef). The value is
//    a Name's id, an Attribute's attr, a Constant's Python value (so 'x', x and a.x are one
//    operand and 1 == 1.0 == True), or else the node itself, which equals no other operand.
//  - ast.NodeVisitor.generic_visit walks every field, except that visit_FunctionDef walks only
//    the function's body: decorators, defaults and annotations of functions are never counted.
//    Class bases, keywords and decorators, lambdas, comprehensions, f-string interpolations and
//    match patterns are walked like anything else.
//
// Known differences, none of which occurs in the corpora tests/agreement/halstead_check.py was
// run on (CPython's stdlib and test suite, site-packages, 40k files): Python NFKC-normalizes
// non-ASCII identifiers and we do not (a name spelled in two normalization forms is two
// operands here), and \N{name} escapes are not resolved (no Unicode name table), so such a
// string equals only strings with the same spelling. On trees with syntax errors, which Python
// would reject, the result is a best effort.
#include "analysis/halstead.h"

#include "analysis/document.h"
#include "analysis/string_literal.h"
#include "analysis/syntax_tree.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <locale.h>
#include <string>
#include <unordered_map>
#include <vector>

namespace docent::analysis {

namespace {

// ast operator classes radon records; the values index a bit set of distinct operators.
enum class Op : int8_t {
  None = -1,
  Add,
  Sub,
  Mult,
  MatMult,
  Div,
  Mod,
  Pow,
  LShift,
  RShift,
  BitOr,
  BitXor,
  BitAnd,
  FloorDiv,
  Invert,
  Not,
  UAdd,
  USub,
  And,
  Or,
  Eq,
  NotEq,
  Lt,
  LtE,
  Gt,
  GtE,
  Is,
  IsNot,
  In,
  NotIn,
};

// Operator tokens by grammar name. "+" and "-" are listed as Add and Sub; unary_operator turns
// them into UAdd and USub. Augmented assignments count as their binary operator. (`and`, `or`
// and `not` are told apart by node kind.)
struct TokenOp {
  const char* name;
  Op op;
};
constexpr TokenOp kTokenOps[] = {
    {"+", Op::Add},        {"-", Op::Sub},      {"*", Op::Mult},       {"@", Op::MatMult},
    {"/", Op::Div},        {"%", Op::Mod},      {"**", Op::Pow},       {"<<", Op::LShift},
    {">>", Op::RShift},    {"|", Op::BitOr},    {"^", Op::BitXor},     {"&", Op::BitAnd},
    {"//", Op::FloorDiv},  {"~", Op::Invert},   {"+=", Op::Add},       {"-=", Op::Sub},
    {"*=", Op::Mult},      {"@=", Op::MatMult}, {"/=", Op::Div},       {"%=", Op::Mod},
    {"**=", Op::Pow},      {"<<=", Op::LShift}, {">>=", Op::RShift},   {"|=", Op::BitOr},
    {"^=", Op::BitXor},    {"&=", Op::BitAnd},  {"//=", Op::FloorDiv}, {"==", Op::Eq},
    {"!=", Op::NotEq},     {"<", Op::Lt},       {"<=", Op::LtE},       {">", Op::Gt},
    {">=", Op::GtE},       {"is", Op::Is},      {"is not", Op::IsNot}, {"in", Op::In},
    {"not in", Op::NotIn},
};

// The operator an anonymous grammar symbol spells (Op::None for all other symbols).
Op token_op(TSSymbol token) {
  static const std::vector<Op> table = [] {
    const TSLanguage* language = tree_sitter_python();
    const uint32_t count = ts_language_symbol_count(language);
    std::vector<Op> ops(count, Op::None);
    for (uint32_t symbol = 0; symbol < count; ++symbol) {
      const TSSymbol s = static_cast<TSSymbol>(symbol);
      if (ts_language_symbol_type(language, s) != TSSymbolTypeAnonymous)
        continue;
      const char* name = ts_language_symbol_name(language, s);
      for (const TokenOp& entry : kTokenOps)
        if (std::strcmp(entry.name, name) == 0)
          ops[symbol] = entry.op;
    }
    return ops;
  }();
  return token < table.size() ? table[token] : Op::None;
}

struct Fields {
  TSFieldId left, right, op, argument, body, definition, name, attribute;
};

const Fields& fields() {
  static const Fields ids = [] {
    const TSLanguage* language = tree_sitter_python();
    auto id = [language](const char* name) {
      return ts_language_field_id_for_name(language, name,
                                           static_cast<uint32_t>(std::strlen(name)));
    };
    return Fields{id("left"), id("right"),      id("operator"), id("argument"),
                  id("body"), id("definition"), id("name"),     id("attribute")};
  }();
  return ids;
}

// The nearest sibling that is not an extra, after or before `node`, or FlatTree::kNone.
uint32_t next_syntax_sibling(const FlatTree& tree, uint32_t node) {
  do
    node = tree.next_sibling(node);
  while (node != FlatTree::kNone && tree[node].extra);
  return node;
}
uint32_t prev_syntax_sibling(const FlatTree& tree, uint32_t node) {
  const uint32_t parent = tree[node].parent;
  uint32_t found = FlatTree::kNone;
  if (parent == FlatTree::kNone)
    return found;
  for (uint32_t child = parent + 1; child < node; child = tree[child].end)
    if (!tree[child].extra)
      found = child;
  return found;
}

// Skips parentheses, which the ast does not represent, and extras.
uint32_t unparenthesized(const FlatTree& tree, uint32_t node) {
  while (node != FlatTree::kNone && tree[node].kind == NodeKind::ParenthesizedExpression)
    node = tree.first_syntax_child(node);
  return node;
}

NodeKind kind_at(const FlatTree& tree, uint32_t node) {
  return node == FlatTree::kNone ? NodeKind::Other : tree[node].kind;
}

// The ast's bool operator of a boolean_operator node (And or Or).
Op bool_op(const FlatTree& tree, uint32_t node) {
  return kind_at(tree, tree.child_by_field(node, fields().op)) == NodeKind::KwAnd ? Op::And
                                                                                  : Op::Or;
}

bool is_boolean_operator(const FlatTree& tree, uint32_t node, Op op) {
  return kind_at(tree, node) == NodeKind::BooleanOperator && bool_op(tree, node) == op;
}

// ---------------------------------------------------------------------------------------------
// Operand values. Each distinct Python value (by ==, as a set member) gets a small id; operands
// that radon keys by node identity get kUnique.

constexpr uint32_t kUnique = UINT32_MAX;
constexpr uint32_t kNoneValue = 0;
constexpr uint32_t kEllipsisValue = 1;
constexpr uint32_t kFirstValue = 2;

// Tags of the keys of values other than str (str values, identifiers included, are keyed by
// their UTF-8 text alone; the keys of HalsteadPartial::operands add kStrTag to them).
constexpr char kBytesTag = 'b';
constexpr char kIntTag = 'i';  // int, bool, and float or complex equal to an int
constexpr char kRealTag = 'f'; // any other float
constexpr char kImagTag = 'j'; // complex with a nonzero imaginary part (literals have real 0)
// Starts the key of a str written with \N{name} escapes, which stay uncooked: such a value
// equals the same spelling but not raw text that happens to read the same (0xFF is never in
// UTF-8). It does not equal the character written any other way, unlike in Python.
constexpr char kNamedEscapeMark = '\xFF';
// Tags that complete the stable keys of HalsteadPartial::operands.
constexpr std::string_view kStrTag = "s";
constexpr std::string_view kNoneKey = "N";
constexpr std::string_view kEllipsisKey = "E";
// Ends the context (function name, empty for None) in such a key; no identifier contains it.
constexpr char kContextEnd = '\x1f';

locale_t c_locale() {
  static const locale_t locale = newlocale(LC_ALL_MASK, "C", nullptr);
  return locale;
}

class ValueTable {
public:
  uint32_t str(std::string_view text, bool stable) { return intern(strs_, text, stable); }

  // The value of a string or concatenated_string node.
  uint32_t string_literal(std::string_view source, const FlatTree& tree, uint32_t node) {
    if (tree[node].kind == NodeKind::String)
      return single_string(tree.text(source, node));
    scratch_.clear();
    bool bytes = false, named_escapes = false;
    const uint32_t end = tree[node].end;
    for (uint32_t piece = node + 1; piece < end; piece = tree[piece].end) {
      if (tree[piece].kind != NodeKind::String)
        continue;
      const StringLiteral literal = split_string_literal(tree.text(source, piece));
      if (!literal.valid || literal.formatted)
        return kUnique; // A JoinedStr.
      bytes = literal.bytes;
      named_escapes |= has_named_escape(literal);
      if (needs_cooking(literal))
        scratch_ += cook_string_body(literal);
      else
        scratch_.append(literal.body.data(), literal.body.size());
    }
    if (bytes)
      return tagged(kBytesTag);
    if (named_escapes)
      scratch_.insert(scratch_.begin(), kNamedEscapeMark);
    return intern(strs_, scratch_, false);
  }

  // The value of an integer or float node.
  uint32_t number(std::string_view text) {
    digits_.clear();
    for (char c : text)
      if (c != '_')
        digits_ += c;
    const char last = digits_.empty() ? '\0' : digits_.back();
    if (last == 'j' || last == 'J') {
      digits_.pop_back();
      const double imag = parse_double(digits_);
      if (imag == 0)
        return integer_from_double(0);
      return real_key(kImagTag, imag);
    }
    if (digits_.size() > 1 && digits_[0] == '0' && std::strchr("xXoObB", digits_[1]))
      return integer(std::string_view(digits_).substr(2), base_of(digits_[1]));
    if (digits_.find_first_of(".eE") == std::string::npos)
      return integer(digits_, 10);
    const double real = parse_double(digits_);
    if (std::isfinite(real) && real == std::floor(real))
      return integer_from_double(real);
    return real_key(kRealTag, real);
  }

  uint32_t boolean(bool value) {
    limbs_.assign(1, value ? 1 : 0);
    return integer_key();
  }

  // The stable key of a value id, as a tag and the text the id was interned on (which starts
  // with its own tag for values other than str): equal keys mean equal Python values, in any
  // walk. Cheap; only partials built for one statement ask for it.
  std::pair<std::string_view, std::string_view> key(uint32_t value) const {
    if (value == kNoneValue)
      return {kNoneKey, {}};
    if (value == kEllipsisValue)
      return {kEllipsisKey, {}};
    const Key& entry = keys_[value - kFirstValue];
    return {entry.str ? kStrTag : std::string_view(), entry.text};
  }

private:
  using Map = std::unordered_map<std::string_view, uint32_t>;

  static bool needs_cooking(const StringLiteral& literal) {
    const std::string_view body = literal.body;
    return body.find('\r') != std::string_view::npos ||
           (!literal.raw && body.find('\\') != std::string_view::npos);
  }

  // True if a str literal has a \N{name} escape, which cooking leaves as written (there is no
  // Unicode name table here).
  static bool has_named_escape(const StringLiteral& literal) {
    if (literal.raw || literal.bytes)
      return false;
    const std::string_view body = literal.body;
    for (size_t i = body.find('\\'); i != std::string_view::npos && i + 1 < body.size();
         i = body.find('\\', i + 2))
      if (body[i + 1] == 'N')
        return true;
    return false;
  }

  uint32_t single_string(std::string_view text) {
    const StringLiteral literal = split_string_literal(text);
    if (!literal.valid || literal.formatted)
      return kUnique;
    if (!needs_cooking(literal)) {
      if (!literal.bytes)
        return intern(strs_, literal.body, true);
      scratch_.assign(literal.body.data(), literal.body.size());
      return tagged(kBytesTag);
    }
    scratch_ = cook_string_body(literal);
    if (literal.bytes)
      return tagged(kBytesTag);
    if (has_named_escape(literal))
      scratch_.insert(scratch_.begin(), kNamedEscapeMark);
    return intern(strs_, scratch_, false);
  }

  // Interns scratch_ under `tag` in the map of non-str values.
  uint32_t tagged(char tag) {
    scratch_.insert(scratch_.begin(), tag);
    return intern(others_, scratch_, false);
  }

  // `stable` keys point into the source and outlive the table; others are copied first.
  uint32_t intern(Map& map, std::string_view key, bool stable) {
    const auto found = map.find(key);
    if (found != map.end())
      return found->second;
    if (!stable)
      key = store_.emplace_back(key);
    const uint32_t id = next_++;
    map.emplace(key, id);
    keys_.push_back(Key{key, &map == &strs_});
    return id;
  }

  static uint32_t base_of(char prefix) {
    switch (prefix) {
    case 'x':
    case 'X':
      return 16;
    case 'o':
    case 'O':
      return 8;
    default:
      return 2;
    }
  }

  double parse_double(const std::string& text) {
    return strtod_l(text.c_str(), nullptr, c_locale());
  }

  // An arbitrary-precision integer, as little-endian 32-bit limbs in limbs_, then keyed.
  uint32_t integer(std::string_view digits, uint32_t base) {
    limbs_.assign(1, 0);
    for (char c : digits) {
      const uint32_t digit =
          c <= '9' ? static_cast<uint32_t>(c - '0') : static_cast<uint32_t>((c | 0x20) - 'a' + 10);
      uint64_t carry = digit;
      for (uint32_t& limb : limbs_) {
        const uint64_t product = uint64_t{limb} * base + carry;
        limb = static_cast<uint32_t>(product);
        carry = product >> 32;
      }
      if (carry != 0)
        limbs_.push_back(static_cast<uint32_t>(carry));
    }
    return integer_key();
  }

  // A finite integral double as an exact integer.
  uint32_t integer_from_double(double value) {
    int exponent = 0;
    const double fraction = std::frexp(value, &exponent); // value = fraction * 2^exponent
    uint64_t mantissa = static_cast<uint64_t>(std::ldexp(fraction, 53));
    int shift = exponent - 53;
    if (shift < 0) {
      mantissa >>= -shift; // Exact: the value is integral.
      shift = 0;
    }
    limbs_.assign(static_cast<size_t>(shift / 32) + 3, 0);
    const int bit = shift % 32;
    const size_t word = static_cast<size_t>(shift / 32);
    const uint64_t low = mantissa << bit;
    limbs_[word] = static_cast<uint32_t>(low);
    limbs_[word + 1] = static_cast<uint32_t>(low >> 32);
    limbs_[word + 2] = bit == 0 ? 0 : static_cast<uint32_t>(mantissa >> (64 - bit));
    return integer_key();
  }

  uint32_t integer_key() {
    scratch_.clear();
    for (uint32_t limb : limbs_)
      for (int i = 0; i < 4; ++i)
        scratch_ += static_cast<char>((limb >> (8 * i)) & 0xFF);
    while (!scratch_.empty() && scratch_.back() == '\0')
      scratch_.pop_back();
    return tagged(kIntTag);
  }

  uint32_t real_key(char tag, double value) {
    scratch_.assign(reinterpret_cast<const char*>(&value), sizeof value);
    return tagged(tag);
  }

  // The key a value id was interned on, by id - kFirstValue.
  struct Key {
    std::string_view text;
    bool str;
  };

  Map strs_;
  Map others_;
  std::vector<Key> keys_;
  std::deque<std::string> store_; // Keys that are not views of the source.
  std::string scratch_;
  std::string digits_;
  std::vector<uint32_t> limbs_;
  uint32_t next_ = kFirstValue;
};

// ---------------------------------------------------------------------------------------------
// The set of (visitor, context, value) triples seen: open addressing, linear probing.

class TripleSet {
public:
  // True if the triple was not in the set yet.
  bool insert(uint32_t visitor, uint32_t context, uint32_t value) {
    if ((size_ + 1) * 2 > slots_.size())
      grow();
    if (!place(slots_, Triple{visitor, context, value}))
      return false;
    ++size_;
    return true;
  }

private:
  struct Triple {
    uint32_t visitor, context, value; // value == kUnique marks an empty slot.
  };
  static constexpr Triple kEmpty{0, 0, kUnique};

  static size_t hash(const Triple& t) {
    uint64_t h = (uint64_t{t.visitor} << 32 | t.context) * 0x9E3779B97F4A7C15ull;
    h ^= t.value * 0xC2B2AE3D27D4EB4Full;
    return static_cast<size_t>(h ^ (h >> 29));
  }

  // The first table is allocated on the first insert, small: a walk over one statement
  // usually sees few operands.
  static constexpr size_t kInitialSlots = 64;

  static bool place(std::vector<Triple>& slots, const Triple& t) {
    const size_t mask = slots.size() - 1;
    for (size_t i = hash(t) & mask;; i = (i + 1) & mask) {
      Triple& slot = slots[i];
      if (slot.value == kUnique) {
        slot = t;
        return true;
      }
      if (slot.value == t.value && slot.context == t.context && slot.visitor == t.visitor)
        return false;
    }
  }

  void grow() {
    std::vector<Triple> bigger(slots_.empty() ? kInitialSlots : slots_.size() * 2, kEmpty);
    for (const Triple& t : slots_)
      if (t.value != kUnique)
        place(bigger, t);
    slots_.swap(bigger);
  }

  std::vector<Triple> slots_; // Size: zero or a power of two.
  size_t size_ = 0;
};

// ---------------------------------------------------------------------------------------------
// The walk.

// One HalsteadVisitor whose counts are being gathered: the module's, or a definition's.
struct Visitor {
  uint32_t id;
  // Number of enclosing functions where the visitor starts: operands at that depth have
  // context None for it (a class visitor's own context is None, even inside a function).
  uint32_t base_depth;
  size_t slot; // Index in HalsteadResult::definitions, or SIZE_MAX for the module.
  uint64_t operators_seen = 0;
  int operators = 0, operands = 0, distinct_operands = 0;
};

// Which children of a node the ast visits.
enum class ChildFilter : uint8_t { All, BodyOnly, DefinitionOnly };

struct Frame {
  uint32_t node; // FlatTree::kNone for the module around a single statement.
  NodeKind kind;
  ChildFilter filter = ChildFilter::All;
  bool descend = true;
  bool closes_visitor = false;  // Leaving the node finishes the innermost visitor.
  bool closes_function = false; // Leaving the node ends a function context.
};

class HalsteadWalker {
public:
  HalsteadWalker(std::string_view source, const FlatTree& tree) : source_(source), tree_(tree) {
    visitors_.push_back(Visitor{0, 0, SIZE_MAX});
  }

  // The whole module: the root itself is not visited, only its descendants.
  HalsteadResult run() {
    if (!tree_.empty())
      walk(0, Frame{0, tree_[0].kind});
    result_.module = report_of(visitors_.front());
    return std::move(result_);
  }

  // One child of the module (the tree's root), visited as the module walk visits it (under a
  // module frame), with the module visitor's distinct operands recorded as stable keys and
  // definitions keyed relative to the statement.
  HalsteadStatement run_statement() {
    HalsteadStatement part;
    if (!tree_.empty()) {
      origin_ = tree_[0].start_byte;
      operand_keys_ = &part.module.operands;
      walk(0, enter(0, Frame{FlatTree::kNone, NodeKind::Module}));
    }
    const Visitor& module = visitors_.front();
    part.module.N1 = module.operators;
    part.module.N2 = module.operands;
    for (uint8_t op = 0; op < 64; ++op)
      if (module.operators_seen >> op & 1)
        part.module.operators.push_back(op);
    std::sort(part.module.operands.begin(), part.module.operands.end());
    part.module.identity_operands =
        module.distinct_operands - static_cast<int>(part.module.operands.size());
    part.definitions = std::move(result_.definitions);
    return part;
  }

private:
  // Visits the descendants of `root`, whose frame is `root_frame`, then leaves `root` too.
  void walk(uint32_t root, const Frame& root_frame) {
    frames_.push_back(root_frame);
    uint32_t node = root_frame.descend ? root + 1 : tree_[root].end;
    const uint32_t end = tree_[root].end;
    for (;;) {
      // Leave the nodes whose subtrees end here.
      while (!frames_.empty() && node >= tree_[frames_.back().node].end) {
        leave(frames_.back());
        frames_.pop_back();
      }
      if (node >= end)
        return;
      const Frame frame = enter(node, frames_.back());
      if (frame.descend) {
        frames_.push_back(frame);
        ++node;
      } else {
        leave(frame);
        node = tree_[node].end;
      }
    }
  }

  Frame enter(uint32_t node, const Frame& parent) {
    const FlatTree::Node& flat = tree_[node];
    Frame frame{node, flat.kind};
    if ((parent.filter == ChildFilter::BodyOnly && flat.field != fields().body) ||
        (parent.filter == ChildFilter::DefinitionOnly && flat.field != fields().definition)) {
      frame.descend = false; // Not visited by the ast walk.
      return frame;
    }
    if (!flat.named) {
      frame.descend = false;
      pattern_minus(node, parent.kind);
      return frame;
    }
    switch (frame.kind) {
    case NodeKind::FunctionDefinition:
      open_visitor(node);
      contexts_.push_back(context_id(node));
      frame.filter = ChildFilter::BodyOnly;
      frame.closes_visitor = frame.closes_function = true;
      break;
    case NodeKind::DecoratedDefinition: {
      const uint32_t definition = tree_.child_by_field(node, fields().definition);
      if (kind_at(tree_, definition) == NodeKind::ClassDefinition) {
        // Class decorators are visited (as part of the ClassDef), function ones are not.
        open_visitor(definition);
        frame.closes_visitor = true;
      } else {
        frame.filter = ChildFilter::DefinitionOnly;
      }
      break;
    }
    case NodeKind::ClassDefinition:
      if (parent.kind != NodeKind::DecoratedDefinition) {
        open_visitor(node);
        frame.closes_visitor = true;
      }
      break;
    case NodeKind::BinaryOperator:
    case NodeKind::AugmentedAssignment:
      binary(operator_of(node), node);
      break;
    case NodeKind::UnaryOperator: {
      const Op op = operator_of(node);
      unary(op == Op::Add ? Op::UAdd : op == Op::Sub ? Op::USub : op, node);
      break;
    }
    case NodeKind::NotOperator:
      unary(Op::Not, node);
      break;
    case NodeKind::BooleanOperator:
      boolean(node, flat.field, parent);
      break;
    case NodeKind::ComparisonOperator:
      compare(node);
      break;
    case NodeKind::UnionType: // `a[b] | c[d]` in an annotation: a BinOp.
      operator_seen(Op::BitOr);
      tree_.for_each_syntax_child(node, [this](uint32_t side) { operand(side); });
      break;
    case NodeKind::ComplexPattern:
      complex_pattern(node);
      break;
    case NodeKind::PrintStatement:
      print_chevron(node);
      break;
    case NodeKind::String:
      frame.descend = is_formatted(node); // Only f-strings hold expressions.
      break;
    case NodeKind::ImportStatement:
    case NodeKind::ImportFromStatement:
    case NodeKind::FutureImportStatement:
    case NodeKind::GlobalStatement:
    case NodeKind::NonlocalStatement:
    case NodeKind::Comment:
      frame.descend = false; // Nothing to count inside.
      break;
    default:
      break;
    }
    return frame;
  }

  // The operator token of a binary, augmented or unary operator node.
  Op operator_of(uint32_t node) const {
    const uint32_t token = tree_.child_by_field(node, fields().op);
    return token == FlatTree::kNone ? Op::None : token_op(tree_[token].symbol);
  }

  // True if the string literal has an f prefix.
  bool is_formatted(uint32_t string) const {
    for (uint32_t i = tree_[string].start_byte; i < source_.size(); ++i) {
      const char c = source_[i];
      if (c == 'f' || c == 'F')
        return true;
      if (c == '\'' || c == '"')
        return false;
    }
    return false;
  }

  void leave(const Frame& frame) {
    if (frame.closes_visitor) {
      const Visitor& visitor = visitors_.back();
      result_.definitions[visitor.slot].second = report_of(visitor);
      visitors_.pop_back();
    }
    if (frame.closes_function)
      contexts_.pop_back();
  }

  void open_visitor(uint32_t definition) {
    result_.definitions.emplace_back(tree_[definition].start_byte - origin_, HalsteadReport{});
    const uint32_t depth = static_cast<uint32_t>(contexts_.size());
    visitors_.push_back(Visitor{next_visitor_++, depth, result_.definitions.size() - 1});
  }

  // Function names are compared as strings: methods of the same name share their operands.
  uint32_t context_id(uint32_t function) {
    const uint32_t name_node = tree_.child_by_field(function, fields().name);
    const std::string_view name =
        name_node == FlatTree::kNone ? std::string_view() : tree_.text(source_, name_node);
    const auto [found, added] = contexts_by_name_.emplace(name, contexts_by_name_.size() + 1);
    if (added)
      context_names_.push_back(name);
    return found->second;
  }

  // BinOp and AugAssign: one operator, operands left and right.
  void binary(Op op, uint32_t node) {
    operator_seen(op);
    operand(tree_.child_by_field(node, fields().left));
    operand(tree_.child_by_field(node, fields().right));
  }

  void unary(Op op, uint32_t node) {
    operator_seen(op);
    operand(tree_.child_by_field(node, fields().argument));
  }

  // Python flattens `a and b and c` into one BoolOp of three values; tree-sitter nests binary
  // nodes to the left. The outermost node of such a chain counts the whole chain.
  void boolean(uint32_t node, TSFieldId field, const Frame& parent) {
    const Op op = bool_op(tree_, node);
    if (field == fields().left && parent.node != FlatTree::kNone &&
        is_boolean_operator(tree_, parent.node, op))
      return; // Part of the parent's BoolOp.
    operator_seen(op);
    uint32_t link = node;
    for (;;) {
      operand(tree_.child_by_field(link, fields().right));
      const uint32_t left = tree_.child_by_field(link, fields().left);
      if (!is_boolean_operator(tree_, left, op)) {
        operand(left);
        return;
      }
      link = left;
    }
  }

  // A chained comparison is one Compare: an operator per comparator, every operand once.
  void compare(uint32_t node) {
    tree_.for_each_child(node, [this](uint32_t child) {
      if (!tree_[child].named) {
        const Op op = token_op(tree_[child].symbol);
        if (op != Op::None)
          operator_seen(op);
      } else if (!tree_[child].extra) {
        operand(child);
      }
    });
  }

  // `case -1:` holds MatchValue(UnaryOp(USub, 1)); tree-sitter leaves the sign a bare token of
  // the pattern.
  void pattern_minus(uint32_t token, NodeKind parent) {
    if ((parent != NodeKind::CasePattern && parent != NodeKind::Other) ||
        token_op(tree_[token].symbol) != Op::Sub)
      return;
    operator_seen(Op::USub);
    operand(next_syntax_sibling(tree_, token));
  }

  // `case -1.5 + 2j:` is MatchValue(BinOp(UnaryOp(USub, 1.5), Add, 2j)).
  void complex_pattern(uint32_t node) {
    bool negative = false;
    uint32_t left = kUnique;
    bool first = true;
    tree_.for_each_child(node, [&](uint32_t child) {
      const bool is_first = first;
      first = false;
      if (tree_[child].named)
        return;
      const Op op = token_op(tree_[child].symbol);
      if (is_first && op == Op::Sub) {
        negative = true;
        operator_seen(Op::USub);
        operand(next_syntax_sibling(tree_, child));
      } else if (op == Op::Add || op == Op::Sub) {
        if (!negative)
          left = value_of(prev_syntax_sibling(tree_, child));
        operator_seen(op);
        operand_value(left);
        operand(next_syntax_sibling(tree_, child));
      }
    });
  }

  // Python 3 reads `print >> f, x` as the tuple (print >> f, x); tree-sitter as a print_statement.
  void print_chevron(uint32_t node) {
    const uint32_t end = tree_[node].end;
    for (uint32_t chevron = node + 1; chevron < end; chevron = tree_[chevron].end) {
      if (!tree_[chevron].named || tree_[chevron].kind != NodeKind::Chevron)
        continue;
      operator_seen(Op::RShift);
      operand_value(values_.str(tree_.text(source_, node + 1), true)); // `print`
      tree_.for_each_syntax_child(chevron, [this](uint32_t target) { operand(target); });
      return;
    }
  }

  void operator_seen(Op op) {
    if (op == Op::None) // No operator token: only in a broken tree.
      return;
    for (Visitor& visitor : visitors_) {
      visitor.operators_seen |= uint64_t{1} << static_cast<int>(op);
      ++visitor.operators;
    }
  }

  void operand(uint32_t node) { operand_value(value_of(node)); }

  void operand_value(uint32_t value) {
    const uint32_t depth = static_cast<uint32_t>(contexts_.size());
    const uint32_t context = depth == 0 ? 0 : contexts_.back();
    for (Visitor& visitor : visitors_) {
      ++visitor.operands;
      if (value == kUnique) {
        ++visitor.distinct_operands;
        continue;
      }
      const uint32_t seen_context = depth > visitor.base_depth ? context : 0;
      if (seen_.insert(visitor.id, seen_context, value)) {
        ++visitor.distinct_operands;
        if (visitor.id == 0 && operand_keys_ != nullptr)
          record_operand_key(seen_context, value);
      }
    }
  }

  // Appends the stable key of a module operand new to this walk: context name, kContextEnd,
  // value key.
  void record_operand_key(uint32_t context, uint32_t value) {
    const std::string_view name = context == 0 ? std::string_view() : context_names_[context - 1];
    const auto [tag, text] = values_.key(value);
    std::string& key = operand_keys_->emplace_back();
    key.reserve(name.size() + 1 + tag.size() + text.size());
    key.append(name.data(), name.size());
    key += kContextEnd;
    key.append(tag.data(), tag.size());
    key.append(text.data(), text.size());
  }

  // The text of a node that may be missing (empty then).
  std::string_view text_of(uint32_t node) const {
    return node == FlatTree::kNone ? std::string_view() : tree_.text(source_, node);
  }

  // What radon puts in operands_seen for an operand node: the node's value, or kUnique.
  uint32_t value_of(uint32_t node) {
    for (;;) {
      node = unparenthesized(tree_, node);
      switch (kind_at(tree_, node)) {
      case NodeKind::Identifier:
        return values_.str(tree_.text(source_, node), true);
      case NodeKind::Attribute:
        return values_.str(text_of(tree_.child_by_field(node, fields().attribute)), true);
      case NodeKind::MemberType: // `a.b` in an annotation.
        return values_.str(text_of(last_named_child(node)), true);
      case NodeKind::Type: // An annotation: whatever expression it wraps.
        node = tree_.first_syntax_child(node);
        continue;
      case NodeKind::String:
      case NodeKind::ConcatenatedString:
        return values_.string_literal(source_, tree_, node);
      case NodeKind::Integer:
      case NodeKind::Float:
        return values_.number(tree_.text(source_, node));
      case NodeKind::True:
        return values_.boolean(true);
      case NodeKind::False:
        return values_.boolean(false);
      case NodeKind::None:
        return kNoneValue;
      case NodeKind::Ellipsis:
        return kEllipsisValue;
      default:
        return kUnique;
      }
    }
  }

  // The last named child (extras included, as ts_node_named_child counts them), or kNone.
  uint32_t last_named_child(uint32_t node) const {
    uint32_t found = FlatTree::kNone;
    tree_.for_each_child(node, [&](uint32_t child) {
      if (tree_[child].named)
        found = child;
    });
    return found;
  }

  static HalsteadReport report_of(const Visitor& visitor) {
    return halstead_report(__builtin_popcountll(visitor.operators_seen), visitor.distinct_operands,
                           visitor.operators, visitor.operands);
  }

  std::string_view source_;
  const FlatTree& tree_;
  ValueTable values_;
  TripleSet seen_;
  std::vector<Visitor> visitors_;  // The module's, then those of the enclosing definitions.
  std::vector<uint32_t> contexts_; // Names (ids) of the enclosing functions.
  std::unordered_map<std::string_view, uint32_t> contexts_by_name_;
  std::vector<std::string_view> context_names_; // By context id - 1.
  std::vector<Frame> frames_;
  uint32_t next_visitor_ = 1;
  uint32_t origin_ = 0; // Definitions are keyed by their start byte minus origin_.
  std::vector<std::string>* operand_keys_ = nullptr; // Set when walking one statement.
  HalsteadResult result_;
};

// Python's math.log(x, 2): log(x) / log(2), which can differ from log2(x) in the last bit.
double python_log2(double x) {
  return std::log(x) / std::log(2.0);
}

} // namespace

HalsteadReport halstead_report(int h1, int h2, int N1, int N2) {
  HalsteadReport r;
  r.h1 = h1;
  r.h2 = h2;
  r.N1 = N1;
  r.N2 = N2;
  r.vocabulary = h1 + h2;
  r.length = N1 + N2;
  if (h1 != 0 && h2 != 0)
    r.calculated_length = h1 * python_log2(h1) + h2 * python_log2(h2);
  r.volume = r.vocabulary != 0 ? r.length * python_log2(r.vocabulary) : 0;
  r.difficulty = h2 != 0 ? static_cast<double>(h1) * N2 / (2.0 * h2) : 0;
  r.effort = r.difficulty * r.volume;
  r.time = r.effort / 18.0;
  r.bugs = r.volume / 3000.0;
  return r;
}

HalsteadResult compute_halstead(std::string_view source, const FlatTree& tree) {
  return HalsteadWalker(source, tree).run();
}

HalsteadResult compute_halstead(std::string_view source, TSNode root) {
  return compute_halstead(source, FlatTree(root, source, FlatTree::Folding::Inert));
}

HalsteadStatement compute_halstead_statement(std::string_view source, const FlatTree& statement) {
  return HalsteadWalker(source, statement).run_statement();
}

HalsteadStatement compute_halstead_statement(std::string_view source, TSNode statement) {
  return compute_halstead_statement(source, FlatTree(statement, source, FlatTree::Folding::Inert));
}

HalsteadReport merge_halstead(const std::vector<const HalsteadPartial*>& parts) {
  HalsteadTally tally;
  for (const HalsteadPartial* part : parts)
    tally.add(*part, 1);
  return tally.report();
}

void HalsteadTally::add(const HalsteadPartial& part, int times) {
  N1_ += part.N1 * times;
  N2_ += part.N2 * times;
  identity_operands_ += part.identity_operands * times;
  for (uint8_t op : part.operators)
    operators_[op] += times;
  for (const std::string& key : part.operands) {
    auto [it, inserted] = operands_.try_emplace(key, 0);
    if ((it->second += times) == 0)
      operands_.erase(it);
  }
}

HalsteadReport HalsteadTally::report() const {
  int distinct_operators = 0;
  for (int count : operators_)
    distinct_operators += count > 0;
  return halstead_report(distinct_operators,
                         static_cast<int>(operands_.size()) + identity_operands_, N1_, N2_);
}

} // namespace docent::analysis
