// Recursive-descent parser: tokens → Statement. Nesting is bounded (kMaxDepth) so hostile input
// (10 000 '(' or a 10 000-term chain) gives an error, never a stack overflow.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <set>

#include "cityops/engine/sql/lexer.h"
#include "cityops/engine/sql/sql.h"
#include "cityops/engine/sql/stream.h"

namespace cityops::engine::sql {

namespace {

constexpr int kMaxDepth = 200;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}
std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

const std::set<std::string>& reserved() {
    static const std::set<std::string> kWords = {
        "SELECT", "FROM",  "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT",  "OFFSET", "JOIN",  "INNER", "LEFT",
        "RIGHT",  "FULL",  "CROSS", "ON",    "UNION",  "AS",    "WITH",   "AND",    "OR",    "NOT",   "WHEN",
        "THEN",   "ELSE",  "END",   "ASC",   "DESC",   "NULLS", "IS",     "IN",     "BETWEEN", "LIKE", "BY",
        "DISTINCT", "CASE", "OVER", "WITHIN", "WINDOW", "EXCEPT", "INTERSECT", "USING", "OUTER", "NATURAL"};
    return kWords;
}

class ParseFailure {
public:
    SqlError error;
};

class Parser {
public:
    explicit Parser(std::vector<Token> tokens) : m_t(std::move(tokens)) {}

    Statement statement() {
        Statement s;
        s.query = query();
        if (peekSymbol(";")) ++m_i;
        if (cur().kind != TokenKind::End) fail(cur(), "expected end of query, found " + describe(cur()));
        return s;
    }

    //! A streaming script: statements separated by ';' (INTERVAL and MATCH_RECOGNIZE allowed).
    std::vector<ScriptStatement> script() {
        m_script = true;
        std::vector<ScriptStatement> out;
        for (;;) {
            while (acceptSymbol(";")) {
            }
            if (cur().kind == TokenKind::End) break;
            out.push_back(scriptStatement());
            if (cur().kind != TokenKind::End && !peekSymbol(";")) {
                fail(cur(), "expected ';' or end of script, found " + describe(cur()));
            }
        }
        if (out.empty()) fail(cur(), "expected a statement, found end of script");
        return out;
    }

private:
    ScriptStatement scriptStatement() {
        ScriptStatement st;
        st.pos = cur().pos;
        if (acceptKeyword("CREATE")) {
            if (acceptKeyword("TEMPORARY")) {
            }
            if (peekKeyword("VIEW")) fail(cur(), "CREATE VIEW is not supported (use a subquery in FROM)", SqlErrc::Unsupported);
            expectKeyword("TABLE");
            st.kind = ScriptStatement::Kind::CreateTable;
            st.create = createTable(st.pos);
        } else if (acceptKeyword("INSERT")) {
            st.kind = ScriptStatement::Kind::Insert;
            st.insert.pos = st.pos;
            if (!acceptKeyword("INTO")) expectKeyword("INTO");
            st.insert.tablePos = cur().pos;
            st.insert.table = identifier("a table name");
            if (peekSymbol("(")) fail(cur(), "INSERT with a column list is not supported (the columns go by position)", SqlErrc::Unsupported);
            if (!peekKeyword("SELECT") && !peekKeyword("WITH")) fail(cur(), "expected SELECT, found " + describe(cur()));
            st.insert.query = std::make_shared<Query>(query());
        } else if (acceptKeyword("SET")) {
            st.kind = ScriptStatement::Kind::Set;
            st.setKey = stringLiteral("a quoted option name");
            expectSymbol("=");
            st.setValue = stringLiteral("a quoted option value");
        } else if (peekKeyword("SELECT") || peekKeyword("WITH")) {
            st.kind = ScriptStatement::Kind::Query;
            st.query = std::make_shared<Query>(query());
        } else {
            fail(cur(), "expected CREATE TABLE, INSERT INTO, SET or SELECT, found " + describe(cur()));
        }
        return st;
    }

    std::string stringLiteral(std::string_view what) {
        if (cur().kind != TokenKind::String) fail(cur(), "expected " + std::string(what) + ", found " + describe(cur()));
        return m_t[m_i++].text;
    }

    CreateTableStatement createTable(SourcePos pos) {
        CreateTableStatement c;
        c.pos = pos;
        if (peekKeyword("IF")) {
            m_i++;
            expectKeyword("NOT");
            expectKeyword("EXISTS");
        }
        c.namePos = cur().pos;
        c.name = identifier("a table name");
        if (acceptSymbol("(")) {
            do {
                if (peekKeyword("WATERMARK")) {
                    WatermarkDef w;
                    w.pos = cur().pos;
                    ++m_i;
                    expectKeyword("FOR");
                    w.column = identifier("the event-time column");
                    expectKeyword("AS");
                    w.expr = expr();
                    if (c.watermark) fail(ahead(0), "a table has at most one WATERMARK");
                    c.watermark = std::move(w);
                    continue;
                }
                if (peekKeyword("PRIMARY") || peekKeyword("CONSTRAINT")) {
                    fail(cur(), "constraints are not supported in CREATE TABLE", SqlErrc::Unsupported);
                }
                ColumnDef col;
                col.pos = cur().pos;
                col.name = identifier("a column name");
                if (acceptKeyword("AS")) {
                    col.computed = expr();
                } else {
                    col.type = typeName();
                    if (acceptSymbol("(")) {  // precision: TIMESTAMP(3), DECIMAL(10, 2)
                        col.type += "(";
                        do {
                            if (cur().kind != TokenKind::Integer) fail(cur(), "expected a precision, found " + describe(cur()));
                            col.type += m_t[m_i++].text;
                        } while (acceptSymbol(","));
                        expectSymbol(")");
                        col.type += ")";
                    }
                    if (peekKeyword("WITH") || peekKeyword("WITHOUT")) {  // TIMESTAMP(3) WITH LOCAL TIME ZONE
                        ++m_i;
                        expectKeyword("LOCAL");
                        expectKeyword("TIME");
                        expectKeyword("ZONE");
                    }
                    if (acceptKeyword("METADATA")) fail(ahead(0), "METADATA columns are not supported", SqlErrc::Unsupported);
                    if (peekKeyword("NOT") && peekKeyword("NULL", 1)) m_i += 2;
                }
                c.columns.push_back(std::move(col));
            } while (acceptSymbol(","));
            expectSymbol(")");
        }
        if (peekKeyword("LIKE")) fail(cur(), "CREATE TABLE ... LIKE is not supported", SqlErrc::Unsupported);
        if (acceptKeyword("WITH")) {
            expectSymbol("(");
            do {
                TableOption o;
                o.pos = cur().pos;
                o.key = stringLiteral("a quoted option name");
                expectSymbol("=");
                o.value = stringLiteral("a quoted option value");
                c.options.push_back(std::move(o));
            } while (acceptSymbol(","));
            expectSymbol(")");
        }
        if (acceptKeyword("AS")) {
            if (!peekKeyword("SELECT") && !peekKeyword("WITH")) fail(cur(), "expected SELECT, found " + describe(cur()));
            c.asQuery = std::make_shared<Query>(query());
        }
        return c;
    }

    //! INTERVAL 'n' unit → Int literal of milliseconds named "interval".
    AstExpr intervalLiteral(const Token& t) {
        ++m_i;
        if (cur().kind != TokenKind::String) fail(cur(), "expected a quoted number after INTERVAL, found " + describe(cur()));
        const Token& amount = cur();
        std::string number = amount.text;
        std::string unit;
        if (const auto space = number.find(' '); space != std::string::npos) {  // INTERVAL '10 SECOND'
            unit = upper(number.substr(space + 1));
            number = number.substr(0, space);
        }
        std::size_t unitAt = m_i;
        ++m_i;
        if (unit.empty()) {
            if (cur().kind != TokenKind::Identifier) fail(cur(), "expected a time unit (SECOND, MINUTE, HOUR, DAY), found " + describe(cur()));
            unitAt = m_i;
            unit = upper(cur().text);
            ++m_i;
        }
        std::int64_t n = 0;
        const auto r = std::from_chars(number.data(), number.data() + number.size(), n);
        if (r.ec != std::errc() || r.ptr != number.data() + number.size() || n < 0 || n > 1'000'000'000) {
            fail(amount, "INTERVAL wants a whole non-negative number, got '" + amount.text + "'");
        }
        if (!unit.empty() && unit.back() == 'S' && unit != "MS") unit.pop_back();
        std::int64_t scale = 0;
        if (unit == "MILLISECOND" || unit == "MS") scale = 1;
        if (unit == "SECOND") scale = 1000;
        if (unit == "MINUTE") scale = 60'000;
        if (unit == "HOUR") scale = 3'600'000;
        if (unit == "DAY") scale = 86'400'000;
        if (scale == 0) fail(m_t[unitAt], "unknown INTERVAL unit '" + unit + "' (use SECOND, MINUTE, HOUR or DAY)");
        AstExpr e = node(AstKind::Literal, t.pos);
        e.literal = LiteralKind::Int;
        e.name = "interval";
        e.i = n * scale;
        e.text = "INTERVAL '" + number + "' " + unit;
        return e;
    }

    //! `MATCH_RECOGNIZE ( ... )` after a FROM source.
    std::shared_ptr<MatchRecognize> matchRecognize() {
        DepthGuard guard(*this);
        auto m = std::make_shared<MatchRecognize>();
        m->pos = cur().pos;
        ++m_i;
        expectSymbol("(");
        if (acceptKeyword("PARTITION")) {
            expectKeyword("BY");
            do {
                m->partitionBy.push_back(expr());
            } while (acceptSymbol(","));
        }
        if (acceptKeyword("ORDER")) {
            expectKeyword("BY");
            m->orderBy = orderList();
        }
        if (acceptKeyword("MEASURES")) {
            do {
                SelectItem item;
                item.expr = expr();
                expectKeyword("AS");
                item.alias = identifier("a measure name");
                m->measures.push_back(std::move(item));
            } while (acceptSymbol(","));
        }
        if (peekKeyword("ALL") && peekKeyword("ROWS", 1)) fail(cur(), "ALL ROWS PER MATCH is not supported (use ONE ROW PER MATCH)", SqlErrc::Unsupported);
        if (acceptKeyword("ONE")) {
            expectKeyword("ROW");
            expectKeyword("PER");
            expectKeyword("MATCH");
        }
        if (acceptKeyword("AFTER")) {
            expectKeyword("MATCH");
            expectKeyword("SKIP");
            if (acceptKeyword("PAST")) {
                expectKeyword("LAST");
                expectKeyword("ROW");
                m->skip = MatchRecognize::Skip::PastLastRow;
            } else if (peekKeyword("TO") && peekKeyword("NEXT", 1)) {
                m_i += 2;
                expectKeyword("ROW");
                m->skip = MatchRecognize::Skip::ToNextRow;
            } else {
                fail(cur(), "supported: AFTER MATCH SKIP PAST LAST ROW or SKIP TO NEXT ROW", SqlErrc::Unsupported);
            }
        }
        expectKeyword("PATTERN");
        expectSymbol("(");
        while (!peekSymbol(")")) {
            if (peekSymbol("(") || peekSymbol("|") || peekKeyword("PERMUTE")) {
                fail(cur(), "only a sequence of variables with quantifiers is supported in PATTERN", SqlErrc::Unsupported);
            }
            PatternTerm term;
            term.pos = cur().pos;
            term.variable = identifier("a pattern variable");
            if (acceptSymbol("+")) {
                term.maxTimes = -1;
            } else if (acceptSymbol("*")) {
                term.minTimes = 0;
                term.maxTimes = -1;
            } else if (acceptSymbol("?")) {
                term.minTimes = 0;
            } else if (acceptSymbol("{")) {
                auto count = [&]() {
                    if (cur().kind != TokenKind::Integer) fail(cur(), "expected a count, found " + describe(cur()));
                    const Token& c = m_t[m_i++];
                    int v = 0;
                    const auto r = std::from_chars(c.text.data(), c.text.data() + c.text.size(), v);
                    if (r.ec != std::errc() || v > 10'000) fail(c, "pattern count out of range: " + c.text, SqlErrc::Limit);
                    return v;
                };
                term.minTimes = count();
                term.maxTimes = term.minTimes;
                if (acceptSymbol(",")) term.maxTimes = peekSymbol("}") ? -1 : count();
                expectSymbol("}");
                if (term.maxTimes != -1 && (term.maxTimes < term.minTimes || term.maxTimes == 0)) {
                    fail(ahead(0), "bad quantifier {" + std::to_string(term.minTimes) + "," + std::to_string(term.maxTimes) + "}");
                }
            }
            if (peekSymbol("?")) fail(cur(), "reluctant quantifiers are not supported", SqlErrc::Unsupported);
            m->pattern.push_back(std::move(term));
            if (m->pattern.size() > 64) fail(cur(), "a PATTERN has at most 64 variables", SqlErrc::Limit);
        }
        expectSymbol(")");
        if (m->pattern.empty()) fail(cur(), "PATTERN needs at least one variable");
        if (acceptKeyword("WITHIN")) {
            if (!peekKeyword("INTERVAL")) fail(cur(), "expected INTERVAL after WITHIN, found " + describe(cur()));
            m->within = intervalLiteral(cur());
        }
        if (acceptKeyword("DEFINE")) {
            do {
                const std::string var = identifier("a pattern variable");
                expectKeyword("AS");
                m->defines.emplace_back(var, expr());
            } while (acceptSymbol(","));
        }
        expectSymbol(")");
        if (acceptKeyword("AS")) {
            m->alias = identifier("an alias");
        } else if (atIdentifier()) {
            m->alias = identifier("an alias");
        }
        return m;
    }

    struct DepthGuard {
        explicit DepthGuard(Parser& p) : parser(p) {
            if (++parser.m_depth > kMaxDepth) {
                parser.fail(parser.cur(), "query nested deeper than " + std::to_string(kMaxDepth) + " levels");
            }
        }
        ~DepthGuard() { --parser.m_depth; }
        DepthGuard(const DepthGuard&) = delete;
        DepthGuard& operator=(const DepthGuard&) = delete;
        Parser& parser;
    };

    const Token& cur() const { return m_t[m_i]; }
    const Token& ahead(std::size_t n) const { return m_t[std::min(m_i + n, m_t.size() - 1)]; }
    [[noreturn]] void fail(const Token& t, std::string message, SqlErrc code = SqlErrc::Syntax) const {
        throw ParseFailure{SqlError{code, std::move(message), t.pos}};
    }
    static std::string describe(const Token& t) {
        switch (t.kind) {
            case TokenKind::End: return "end of query";
            case TokenKind::String: return "string '" + t.text + "'";
            case TokenKind::Param: return "parameter :" + t.text;
            default: return "'" + t.text + "'";
        }
    }
    static bool isKeyword(const Token& t, std::string_view word) {
        return t.kind == TokenKind::Identifier && t.text.size() == word.size() && upper(t.text) == word;
    }
    bool peekKeyword(std::string_view word, std::size_t n = 0) const { return isKeyword(ahead(n), word); }
    bool acceptKeyword(std::string_view word) {
        if (!peekKeyword(word)) return false;
        ++m_i;
        return true;
    }
    void expectKeyword(std::string_view word) {
        if (!acceptKeyword(word)) fail(cur(), "expected " + std::string(word) + ", found " + describe(cur()));
    }
    bool peekSymbol(std::string_view s, std::size_t n = 0) const {
        return ahead(n).kind == TokenKind::Symbol && ahead(n).text == s;
    }
    bool acceptSymbol(std::string_view s) {
        if (!peekSymbol(s)) return false;
        ++m_i;
        return true;
    }
    void expectSymbol(std::string_view s) {
        if (!acceptSymbol(s)) fail(cur(), "expected '" + std::string(s) + "', found " + describe(cur()));
    }
    std::string identifier(std::string_view what) {
        const Token& t = cur();
        if (t.kind == TokenKind::QuotedIdentifier) {
            ++m_i;
            return t.text;
        }
        if (t.kind != TokenKind::Identifier || reserved().count(upper(t.text)) != 0) {
            fail(t, "expected " + std::string(what) + ", found " + describe(t));
        }
        ++m_i;
        return lower(t.text);
    }
    bool atIdentifier() const {
        return cur().kind == TokenKind::QuotedIdentifier ||
               (cur().kind == TokenKind::Identifier && reserved().count(upper(cur().text)) == 0);
    }

    Query query() {
        DepthGuard guard(*this);
        Query q;
        q.pos = cur().pos;
        if (acceptKeyword("WITH")) {
            acceptKeyword("RECURSIVE") ? fail(ahead(0), "WITH RECURSIVE is not supported", SqlErrc::Unsupported) : void();
            do {
                Cte c;
                c.pos = cur().pos;
                c.name = identifier("a CTE name");
                expectKeyword("AS");
                expectSymbol("(");
                c.query = std::make_shared<Query>(query());
                expectSymbol(")");
                q.ctes.push_back(std::move(c));
            } while (acceptSymbol(","));
        }
        q.select = selectCore();
        if (peekKeyword("UNION") || peekKeyword("EXCEPT") || peekKeyword("INTERSECT")) {
            fail(cur(), upper(cur().text) + " is not supported", SqlErrc::Unsupported);
        }
        if (acceptKeyword("ORDER")) {
            expectKeyword("BY");
            q.orderBy = orderList();
        }
        if (acceptKeyword("LIMIT")) q.limit = expr();
        if (acceptKeyword("OFFSET")) {
            q.offset = expr();
            if (!acceptKeyword("ROWS")) acceptKeyword("ROW");
        }
        return q;
    }

    SelectCore selectCore() {
        SelectCore s;
        s.pos = cur().pos;
        expectKeyword("SELECT");
        if (acceptKeyword("DISTINCT")) {
            s.distinct = true;
        } else {
            acceptKeyword("ALL");
        }
        do {
            SelectItem item;
            item.expr = expr();
            if (acceptKeyword("AS")) {
                item.alias = identifier("an alias");
            } else if (atIdentifier()) {
                item.alias = identifier("an alias");
            }
            if (item.expr.kind == AstKind::Star && !item.alias.empty()) fail(cur(), "a * cannot have an alias");
            s.items.push_back(std::move(item));
        } while (acceptSymbol(","));
        if (acceptKeyword("FROM")) s.from = fromList();
        if (acceptKeyword("WHERE")) s.where = expr();
        if (acceptKeyword("GROUP")) {
            expectKeyword("BY");
            do {
                s.groupBy.push_back(expr());
            } while (acceptSymbol(","));
        }
        if (acceptKeyword("HAVING")) s.having = expr();
        if (peekKeyword("WINDOW")) fail(cur(), "named windows (WINDOW clause) are not supported", SqlErrc::Unsupported);
        return s;
    }

    std::shared_ptr<TableRef> fromList() {
        std::shared_ptr<TableRef> left = joined();
        while (acceptSymbol(",")) {
            auto j = std::make_shared<TableRef>();
            j->kind = TableRef::Kind::Join;
            j->join = TableRef::JoinKind::Cross;
            j->pos = cur().pos;
            j->left = left;
            j->right = joined();
            left = j;
        }
        return left;
    }

    std::shared_ptr<TableRef> joined() {
        std::shared_ptr<TableRef> left = tableFactor();
        for (;;) {
            const Token& at = cur();
            TableRef::JoinKind kind = TableRef::JoinKind::Inner;
            if (acceptKeyword("JOIN")) {
            } else if (peekKeyword("INNER") && peekKeyword("JOIN", 1)) {
                m_i += 2;
            } else if (peekKeyword("LEFT")) {
                ++m_i;
                acceptKeyword("OUTER");
                expectKeyword("JOIN");
                kind = TableRef::JoinKind::Left;
            } else if (peekKeyword("CROSS")) {
                ++m_i;
                expectKeyword("JOIN");
                kind = TableRef::JoinKind::Cross;
            } else if (peekKeyword("RIGHT") || peekKeyword("FULL") || peekKeyword("NATURAL")) {
                fail(at, upper(at.text) + " JOIN is not supported (use LEFT JOIN with the sides swapped)",
                     SqlErrc::Unsupported);
            } else {
                return left;
            }
            auto j = std::make_shared<TableRef>();
            j->kind = TableRef::Kind::Join;
            j->join = kind;
            j->pos = at.pos;
            j->left = left;
            j->right = tableFactor();
            if (kind != TableRef::JoinKind::Cross) {
                if (peekKeyword("USING")) fail(cur(), "JOIN ... USING is not supported (use ON)", SqlErrc::Unsupported);
                expectKeyword("ON");
                j->on = expr();
            }
            left = j;
        }
    }

    std::shared_ptr<TableRef> tableFactor() {
        auto t = std::make_shared<TableRef>();
        t->pos = cur().pos;
        if (acceptSymbol("(")) {
            if (!peekKeyword("SELECT") && !peekKeyword("WITH")) fail(cur(), "expected a subquery, found " + describe(cur()));
            t->kind = TableRef::Kind::Subquery;
            t->subquery = std::make_shared<Query>(query());
            expectSymbol(")");
        } else {
            t->kind = TableRef::Kind::Named;
            t->name = identifier("a table name");
            if (acceptSymbol(".")) t->name = identifier("a table name");  // schema.table: schema ignored
        }
        if (peekKeyword("MATCH_RECOGNIZE")) {
            if (!m_script) fail(cur(), "MATCH_RECOGNIZE needs a stream table (run it in a streaming script)", SqlErrc::Unsupported);
            t->match = matchRecognize();
            return t;
        }
        if (acceptKeyword("AS")) {
            t->alias = identifier("a table alias");
        } else if (atIdentifier()) {
            t->alias = identifier("a table alias");
        }
        if (t->kind == TableRef::Kind::Subquery && t->alias.empty()) t->alias = "subquery";
        return t;
    }

    std::vector<OrderItem> orderList() {
        std::vector<OrderItem> items;
        do {
            OrderItem o;
            o.expr = expr();
            if (acceptKeyword("DESC")) {
                o.ascending = false;
            } else {
                acceptKeyword("ASC");
            }
            if (acceptKeyword("NULLS")) {
                if (acceptKeyword("FIRST")) {
                    o.nullsFirst = true;
                } else {
                    expectKeyword("LAST");
                    o.nullsFirst = false;
                }
            }
            items.push_back(std::move(o));
        } while (acceptSymbol(","));
        return items;
    }

    static AstExpr node(AstKind kind, SourcePos pos) {
        AstExpr e;
        e.kind = kind;
        e.pos = pos;
        return e;
    }
    AstExpr finish(AstExpr e) const {
        int depth = 0;
        for (const AstExpr& a : e.args) depth = std::max(depth, a.depth);
        e.depth = depth + 1;
        if (e.depth > kMaxDepth) {
            throw ParseFailure{SqlError{SqlErrc::Limit,
                                        "expression nested deeper than " + std::to_string(kMaxDepth) + " levels",
                                        e.pos}};
        }
        return e;
    }
    AstExpr binary(std::string op, AstExpr a, AstExpr b, SourcePos pos) const {
        AstExpr e = node(AstKind::Binary, pos);
        e.name = std::move(op);
        e.args.push_back(std::move(a));
        e.args.push_back(std::move(b));
        return finish(std::move(e));
    }

    AstExpr expr() {
        DepthGuard guard(*this);
        AstExpr left = andExpr();
        while (peekKeyword("OR")) {
            const SourcePos pos = cur().pos;
            ++m_i;
            left = binary("OR", std::move(left), andExpr(), pos);
        }
        return left;
    }
    AstExpr andExpr() {
        AstExpr left = notExpr();
        while (peekKeyword("AND")) {
            const SourcePos pos = cur().pos;
            ++m_i;
            left = binary("AND", std::move(left), notExpr(), pos);
        }
        return left;
    }
    AstExpr notExpr() {
        if (peekKeyword("NOT")) {
            DepthGuard guard(*this);
            AstExpr e = node(AstKind::Unary, cur().pos);
            ++m_i;
            e.name = "NOT";
            e.args.push_back(notExpr());
            return finish(std::move(e));
        }
        return predicate();
    }
    AstExpr predicate() {
        AstExpr left = additive();
        const SourcePos pos = cur().pos;
        static constexpr std::string_view kCompare[] = {"=", "<>", "!=", "<", "<=", ">", ">="};
        for (const std::string_view op : kCompare) {
            if (peekSymbol(op)) {
                ++m_i;
                return binary(op == "!=" ? "<>" : std::string(op), std::move(left), additive(), pos);
            }
        }
        if (acceptKeyword("IS")) {
            AstExpr e = node(AstKind::IsNull, pos);
            e.negated = acceptKeyword("NOT");
            expectKeyword("NULL");
            e.args.push_back(std::move(left));
            return finish(std::move(e));
        }
        const bool negated = peekKeyword("NOT") && (peekKeyword("IN", 1) || peekKeyword("BETWEEN", 1) ||
                                                    peekKeyword("LIKE", 1) || peekKeyword("ILIKE", 1));
        if (negated) ++m_i;
        if (acceptKeyword("IN")) {
            AstExpr e = node(AstKind::InList, pos);
            e.negated = negated;
            e.args.push_back(std::move(left));
            expectSymbol("(");
            if (peekKeyword("SELECT") || peekKeyword("WITH")) {
                fail(cur(), "IN (subquery) is not supported; use a JOIN", SqlErrc::Unsupported);
            }
            do {
                e.args.push_back(expr());
            } while (acceptSymbol(","));
            expectSymbol(")");
            return finish(std::move(e));
        }
        if (acceptKeyword("BETWEEN")) {
            AstExpr e = node(AstKind::Between, pos);
            e.negated = negated;
            e.args.push_back(std::move(left));
            e.args.push_back(additive());
            expectKeyword("AND");
            e.args.push_back(additive());
            return finish(std::move(e));
        }
        if (peekKeyword("LIKE") || peekKeyword("ILIKE")) {
            AstExpr e = node(AstKind::Like, pos);
            e.name = lower(cur().text);
            ++m_i;
            e.negated = negated;
            e.args.push_back(std::move(left));
            e.args.push_back(additive());
            return finish(std::move(e));
        }
        if (negated) fail(cur(), "expected IN, BETWEEN or LIKE after NOT");
        return left;
    }
    AstExpr additive() {
        AstExpr left = multiplicative();
        while (peekSymbol("+") || peekSymbol("-") || peekSymbol("||")) {
            const Token& op = cur();
            ++m_i;
            left = binary(op.text, std::move(left), multiplicative(), op.pos);
        }
        return left;
    }
    AstExpr multiplicative() {
        AstExpr left = unary();
        while (peekSymbol("*") || peekSymbol("/") || peekSymbol("%")) {
            const Token& op = cur();
            ++m_i;
            left = binary(op.text, std::move(left), unary(), op.pos);
        }
        return left;
    }
    AstExpr unary() {
        if (peekSymbol("-") || peekSymbol("+")) {
            DepthGuard guard(*this);
            const Token& op = cur();
            ++m_i;
            AstExpr operand = unary();
            if (op.text == "+") return operand;
            if (operand.kind == AstKind::Literal && operand.literal == LiteralKind::Int && operand.i >= 0) {
                operand.i = -operand.i;
                operand.text = "-" + operand.text;
                operand.pos = op.pos;
                return operand;
            }
            if (operand.kind == AstKind::Literal && operand.literal == LiteralKind::Double) {
                operand.d = -operand.d;
                operand.text = "-" + operand.text;
                operand.pos = op.pos;
                return operand;
            }
            AstExpr e = node(AstKind::Unary, op.pos);
            e.name = "-";
            e.args.push_back(std::move(operand));
            return finish(std::move(e));
        }
        AstExpr e = primary();
        while (peekSymbol("::")) {
            const SourcePos pos = cur().pos;
            ++m_i;
            AstExpr c = node(AstKind::Cast, pos);
            c.name = typeName();
            c.args.push_back(std::move(e));
            e = finish(std::move(c));
        }
        return e;
    }

    std::string typeName() {
        const Token& t = cur();
        if (t.kind != TokenKind::Identifier) fail(t, "expected a type name, found " + describe(t));
        ++m_i;
        std::string name = lower(t.text);
        if (name == "double" && peekKeyword("PRECISION")) ++m_i;
        if (acceptSymbol("(")) {  // VARCHAR(20), DECIMAL(10, 2): sizes are accepted and ignored
            do {
                if (cur().kind != TokenKind::Integer) fail(cur(), "expected a type size, found " + describe(cur()));
                ++m_i;
            } while (acceptSymbol(","));
            expectSymbol(")");
        }
        return name;
    }

    AstExpr literalOf(const Token& t) {
        AstExpr e = node(AstKind::Literal, t.pos);
        e.text = t.text;
        if (t.kind == TokenKind::String) {
            e.literal = LiteralKind::String;
        } else if (t.kind == TokenKind::Integer) {
            std::int64_t v = 0;
            const auto r = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
            if (r.ec == std::errc()) {
                e.literal = LiteralKind::Int;
                e.i = v;
            } else {
                e.literal = LiteralKind::Double;
                e.d = std::strtod(t.text.c_str(), nullptr);
            }
        } else {
            e.literal = LiteralKind::Double;
            e.d = std::strtod(t.text.c_str(), nullptr);
        }
        ++m_i;
        return e;
    }

    AstExpr primary() {
        const Token& t = cur();
        switch (t.kind) {
            case TokenKind::Integer:
            case TokenKind::Decimal:
            case TokenKind::String:
                return literalOf(t);
            case TokenKind::Param: {
                AstExpr e = node(AstKind::Param, t.pos);
                e.name = t.text;
                ++m_i;
                return e;
            }
            case TokenKind::Symbol:
                if (t.text == "(") {
                    ++m_i;
                    if (peekKeyword("SELECT") || peekKeyword("WITH")) {
                        fail(cur(), "scalar subqueries are not supported; use a CTE and a JOIN", SqlErrc::Unsupported);
                    }
                    AstExpr inner = expr();
                    expectSymbol(")");
                    return inner;
                }
                if (t.text == "*") {
                    ++m_i;
                    return node(AstKind::Star, t.pos);
                }
                fail(t, "expected an expression, found " + describe(t));
            case TokenKind::End:
                fail(t, "expected an expression, found end of query");
            case TokenKind::QuotedIdentifier:
            case TokenKind::Identifier:
                break;
        }
        if (t.kind == TokenKind::Identifier) {
            const std::string word = upper(t.text);
            if (word == "NULL" || word == "TRUE" || word == "FALSE") {
                AstExpr e = node(AstKind::Literal, t.pos);
                e.literal = word == "NULL" ? LiteralKind::Null : LiteralKind::Bool;
                e.i = word == "TRUE" ? 1 : 0;
                e.text = lower(word);
                ++m_i;
                return e;
            }
            if ((word == "DATE" || word == "TIMESTAMP") && ahead(1).kind == TokenKind::String) {
                ++m_i;
                AstExpr e = literalOf(cur());
                e.pos = t.pos;
                e.literal = word == "DATE" ? LiteralKind::Date : LiteralKind::Timestamp;
                return e;
            }
            if (word == "INTERVAL") {
                if (!m_script) fail(t, "INTERVAL literals are not supported in batch queries", SqlErrc::Unsupported);
                return intervalLiteral(t);
            }
            if (word == "CASE") return caseExpr();
            if (word == "CAST" && peekSymbol("(", 1)) {
                DepthGuard guard(*this);
                m_i += 2;
                AstExpr e = node(AstKind::Cast, t.pos);
                e.args.push_back(expr());
                expectKeyword("AS");
                e.name = typeName();
                expectSymbol(")");
                return finish(std::move(e));
            }
            if (word == "EXTRACT" && peekSymbol("(", 1)) {
                DepthGuard guard(*this);
                m_i += 2;
                AstExpr e = node(AstKind::Function, t.pos);
                e.name = "extract";
                const Token& field = cur();
                if (field.kind != TokenKind::Identifier && field.kind != TokenKind::String) {
                    fail(field, "expected a date part (YEAR, MONTH, DAY, HOUR, ...), found " + describe(field));
                }
                AstExpr f = node(AstKind::Literal, field.pos);
                f.literal = LiteralKind::String;
                f.text = lower(field.text);
                ++m_i;
                e.args.push_back(std::move(f));
                expectKeyword("FROM");
                e.args.push_back(expr());
                expectSymbol(")");
                return finish(std::move(e));
            }
            if (reserved().count(word) != 0) fail(t, "expected an expression, found keyword " + word);
        }
        // identifier: column, qualified column, qualifier.*, or function call
        const bool quoted = t.kind == TokenKind::QuotedIdentifier;
        const std::string name = quoted ? t.text : lower(t.text);
        ++m_i;
        if (!quoted && peekSymbol("(")) return functionCall(name, t.pos);
        if (acceptSymbol(".")) {
            if (peekSymbol("*")) {
                AstExpr e = node(AstKind::Star, t.pos);
                e.qualifier = name;
                ++m_i;
                return e;
            }
            AstExpr e = node(AstKind::Column, t.pos);
            e.qualifier = name;
            e.name = identifier("a column name");
            return e;
        }
        AstExpr e = node(AstKind::Column, t.pos);
        e.name = name;
        return e;
    }

    AstExpr caseExpr() {
        DepthGuard guard(*this);
        AstExpr e = node(AstKind::Case, cur().pos);
        ++m_i;
        if (!peekKeyword("WHEN")) {
            e.hasOperand = true;
            e.args.push_back(expr());
        }
        if (!peekKeyword("WHEN")) fail(cur(), "expected WHEN, found " + describe(cur()));
        while (acceptKeyword("WHEN")) {
            e.args.push_back(expr());
            expectKeyword("THEN");
            e.args.push_back(expr());
        }
        if (acceptKeyword("ELSE")) {
            e.hasElse = true;
            e.args.push_back(expr());
        }
        expectKeyword("END");
        return finish(std::move(e));
    }

    AstExpr functionCall(const std::string& name, SourcePos pos) {
        DepthGuard guard(*this);
        AstExpr e = node(AstKind::Function, pos);
        e.name = name;
        expectSymbol("(");
        if (!peekSymbol(")")) {
            if (acceptKeyword("DISTINCT")) e.distinct = true;
            do {
                e.args.push_back(expr());
            } while (acceptSymbol(","));
        }
        expectSymbol(")");
        if (acceptKeyword("WITHIN")) {
            expectKeyword("GROUP");
            expectSymbol("(");
            expectKeyword("ORDER");
            expectKeyword("BY");
            e.withinGroup = orderList();
            expectSymbol(")");
        }
        if (peekKeyword("FILTER")) fail(cur(), "aggregate FILTER clauses are not supported; use CASE", SqlErrc::Unsupported);
        if (acceptKeyword("OVER")) {
            auto w = std::make_shared<WindowDef>();
            w->pos = cur().pos;
            expectSymbol("(");
            if (acceptKeyword("PARTITION")) {
                expectKeyword("BY");
                do {
                    w->partitionBy.push_back(expr());
                } while (acceptSymbol(","));
            }
            if (acceptKeyword("ORDER")) {
                expectKeyword("BY");
                w->orderBy = orderList();
            }
            if (peekKeyword("ROWS") || peekKeyword("RANGE")) {
                w->hasFrame = true;
                w->rows = peekKeyword("ROWS");
                ++m_i;
                if (acceptKeyword("BETWEEN")) {
                    w->start = frameBound();
                    expectKeyword("AND");
                    w->end = frameBound();
                } else {
                    w->start = frameBound();
                    w->end = FrameBound{};
                }
            } else if (peekKeyword("GROUPS")) {
                fail(cur(), "GROUPS frames are not supported", SqlErrc::Unsupported);
            }
            expectSymbol(")");
            e.over = std::move(w);
        }
        return finish(std::move(e));
    }

    FrameBound frameBound() {
        FrameBound b;
        if (acceptKeyword("UNBOUNDED")) {
            if (acceptKeyword("PRECEDING")) {
                b.kind = FrameBound::Kind::UnboundedPreceding;
            } else {
                expectKeyword("FOLLOWING");
                b.kind = FrameBound::Kind::UnboundedFollowing;
            }
            return b;
        }
        if (acceptKeyword("CURRENT")) {
            expectKeyword("ROW");
            b.kind = FrameBound::Kind::CurrentRow;
            return b;
        }
        const Token& n = cur();
        if (n.kind != TokenKind::Integer && n.kind != TokenKind::Decimal) {
            fail(n, "expected UNBOUNDED, CURRENT ROW or a number in the window frame, found " + describe(n));
        }
        b.offset = std::strtod(n.text.c_str(), nullptr);
        ++m_i;
        if (acceptKeyword("PRECEDING")) {
            b.kind = FrameBound::Kind::Preceding;
        } else {
            expectKeyword("FOLLOWING");
            b.kind = FrameBound::Kind::Following;
        }
        return b;
    }

    std::vector<Token> m_t;
    std::size_t m_i = 0;
    int m_depth = 0;
    bool m_script = false;
};

}  // namespace

SqlResult<Statement> parse(std::string_view text) {
    auto tokens = tokenize(text);
    if (!tokens) return tokens.error();
    try {
        Parser parser(std::move(*tokens));
        return parser.statement();
    } catch (const ParseFailure& failure) {
        return failure.error;
    }
}

SqlResult<std::vector<ScriptStatement>> parseScript(std::string_view text) {
    auto tokens = tokenize(text);
    if (!tokens) return tokens.error();
    try {
        Parser parser(std::move(*tokens));
        return parser.script();
    } catch (const ParseFailure& failure) {
        return failure.error;
    }
}

bool isStreamScript(std::string_view text) {
    auto tokens = tokenize(text);
    if (!tokens || tokens->empty() || (*tokens)[0].kind != TokenKind::Identifier) return false;
    const std::string first = upper((*tokens)[0].text);
    return first == "CREATE" || first == "INSERT" || first == "SET";
}

std::string render(const AstExpr& e) {
    switch (e.kind) {
        case AstKind::Column:
            return e.qualifier.empty() ? e.name : e.qualifier + "." + e.name;
        case AstKind::Star:
            return e.qualifier.empty() ? "*" : e.qualifier + ".*";
        case AstKind::Literal:
            switch (e.literal) {
                case LiteralKind::String: return "'" + e.text + "'";
                case LiteralKind::Date: return "DATE '" + e.text + "'";
                case LiteralKind::Timestamp: return "TIMESTAMP '" + e.text + "'";
                default: return e.text;
            }
        case AstKind::Param:
            return ":" + e.name;
        case AstKind::Unary:
            return e.name == "NOT" ? "(NOT " + render(e.args[0]) + ")" : "(-" + render(e.args[0]) + ")";
        case AstKind::Binary:
            return "(" + render(e.args[0]) + " " + e.name + " " + render(e.args[1]) + ")";
        case AstKind::Function: {
            std::string s = e.name + "(" + (e.distinct ? "DISTINCT " : "");
            for (std::size_t i = 0; i < e.args.size(); ++i) s += (i ? ", " : "") + render(e.args[i]);
            s += ")";
            if (!e.withinGroup.empty()) {
                s += " WITHIN GROUP (ORDER BY " + render(e.withinGroup[0].expr) +
                     (e.withinGroup[0].ascending ? "" : " DESC") + ")";
            }
            if (e.over) {
                s += " OVER (";
                for (std::size_t i = 0; i < e.over->partitionBy.size(); ++i) {
                    s += (i ? ", " : "PARTITION BY ") + render(e.over->partitionBy[i]);
                }
                for (std::size_t i = 0; i < e.over->orderBy.size(); ++i) {
                    s += (i ? ", " : " ORDER BY ") + render(e.over->orderBy[i].expr) +
                         (e.over->orderBy[i].ascending ? "" : " DESC");
                }
                if (e.over->hasFrame) {
                    auto bound = [](const FrameBound& b) {
                        switch (b.kind) {
                            case FrameBound::Kind::UnboundedPreceding: return std::string("UNBOUNDED PRECEDING");
                            case FrameBound::Kind::UnboundedFollowing: return std::string("UNBOUNDED FOLLOWING");
                            case FrameBound::Kind::CurrentRow: return std::string("CURRENT ROW");
                            case FrameBound::Kind::Preceding: return std::to_string(b.offset) + " PRECEDING";
                            case FrameBound::Kind::Following: return std::to_string(b.offset) + " FOLLOWING";
                        }
                        return std::string();
                    };
                    s += std::string(e.over->rows ? " ROWS" : " RANGE") + " BETWEEN " + bound(e.over->start) +
                         " AND " + bound(e.over->end);
                }
                s += ")";
            }
            return s;
        }
        case AstKind::Case: {
            std::string s = "CASE";
            std::size_t i = 0;
            if (e.hasOperand) s += " " + render(e.args[i++]);
            const std::size_t pairsEnd = e.hasElse ? e.args.size() - 1 : e.args.size();
            for (; i + 1 < pairsEnd + 1 && i < pairsEnd; i += 2) {
                s += " WHEN " + render(e.args[i]) + " THEN " + render(e.args[i + 1]);
            }
            if (e.hasElse) s += " ELSE " + render(e.args.back());
            return s + " END";
        }
        case AstKind::Cast:
            return "CAST(" + render(e.args[0]) + " AS " + e.name + ")";
        case AstKind::IsNull:
            return "(" + render(e.args[0]) + (e.negated ? " IS NOT NULL)" : " IS NULL)");
        case AstKind::InList: {
            std::string s = "(" + render(e.args[0]) + (e.negated ? " NOT IN (" : " IN (");
            for (std::size_t i = 1; i < e.args.size(); ++i) s += (i > 1 ? ", " : "") + render(e.args[i]);
            return s + "))";
        }
        case AstKind::Between:
            return "(" + render(e.args[0]) + (e.negated ? " NOT BETWEEN " : " BETWEEN ") + render(e.args[1]) +
                   " AND " + render(e.args[2]) + ")";
        case AstKind::Like:
            return "(" + render(e.args[0]) + (e.negated ? " NOT " : " ") + e.name + " " + render(e.args[1]) + ")";
    }
    return {};
}

}  // namespace cityops::engine::sql
