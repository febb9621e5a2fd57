#include <QtTest>

#include "cityops/engine/sql/lexer.h"
#include "cityops/engine/sql/sql.h"

using namespace cityops::engine::sql;

//! Lexer and parser: tokens and AST nodes carry line:column; nesting is bounded.
class TestSqlParser : public QObject {
    Q_OBJECT

private slots:
    void tokensWithPositions() {
        auto tokens = tokenize("SELECT a1, 'it''s' -- note\n  FROM \"My Table\" /* c\n */ WHERE x <= 1.5e3 AND y <> :p");
        QVERIFY(tokens);
        const std::vector<Token>& t = *tokens;
        QCOMPARE(t.size(), std::size_t{15});
        QCOMPARE(t[0].text, std::string("SELECT"));
        QCOMPARE(t[1].kind, TokenKind::Identifier);
        QCOMPARE(t[1].pos, (SourcePos{1, 8}));
        QCOMPARE(t[3].kind, TokenKind::String);
        QCOMPARE(t[3].text, std::string("it's"));
        QCOMPARE(t[3].pos, (SourcePos{1, 12}));
        QCOMPARE(t[4].text, std::string("FROM"));
        QCOMPARE(t[4].pos, (SourcePos{2, 3}));
        QCOMPARE(t[5].kind, TokenKind::QuotedIdentifier);
        QCOMPARE(t[5].text, std::string("My Table"));
        QCOMPARE(t[6].text, std::string("WHERE"));
        QCOMPARE(t[6].pos, (SourcePos{3, 5}));
        QCOMPARE(t[8].text, std::string("<="));
        QCOMPARE(t[9].kind, TokenKind::Decimal);
        QCOMPARE(t[12].text, std::string("<>"));
        QCOMPARE(t[13].kind, TokenKind::Param);
        QCOMPARE(t[13].text, std::string("p"));
        QCOMPARE(t[14].kind, TokenKind::End);
        QCOMPARE(t[14].pos, (SourcePos{3, 33}));
    }

    void lexerErrors() {
        auto a = tokenize("SELECT 'open");
        QVERIFY(!a);
        QCOMPARE(a.error().pos, (SourcePos{1, 8}));
        auto b = tokenize("SELECT 1\n/* never closed");
        QVERIFY(!b);
        QCOMPARE(b.error().pos, (SourcePos{2, 1}));
        auto c = tokenize("SELECT #");  // ? and { } are tokens now (MATCH_RECOGNIZE quantifiers)
        QVERIFY(!c);
        QCOMPARE(c.error().pos, (SourcePos{1, 8}));
    }

    void astPositions() {
        auto parsed = parse("WITH t AS (SELECT a FROM x)\nSELECT t.a + 1 AS b, COUNT(*)\nFROM t LEFT JOIN y ON t.a = y.a\n"
                            "WHERE a BETWEEN 1 AND 3\nGROUP BY 1 ORDER BY b DESC NULLS FIRST LIMIT 5");
        QVERIFY(parsed);
        const Query& q = parsed->query;
        QCOMPARE(q.ctes.size(), std::size_t{1});
        QCOMPARE(q.ctes[0].name, std::string("t"));
        QCOMPARE(q.ctes[0].query->select.pos, (SourcePos{1, 12}));
        const SelectCore& s = q.select;
        QCOMPARE(s.items.size(), std::size_t{2});
        QCOMPARE(s.items[0].alias, std::string("b"));
        QCOMPARE(s.items[0].expr.kind, AstKind::Binary);
        QCOMPARE(s.items[0].expr.pos, (SourcePos{2, 12}));  // the operator
        QCOMPARE(s.items[0].expr.args[0].pos, (SourcePos{2, 8}));
        QCOMPARE(s.items[0].expr.args[0].qualifier, std::string("t"));
        QCOMPARE(s.items[1].expr.kind, AstKind::Function);
        QCOMPARE(s.items[1].expr.args[0].kind, AstKind::Star);
        QVERIFY(s.from);
        QCOMPARE(s.from->kind, TableRef::Kind::Join);
        QCOMPARE(s.from->join, TableRef::JoinKind::Left);
        QCOMPARE(s.from->right->pos, (SourcePos{3, 18}));
        QCOMPARE(s.where->kind, AstKind::Between);
        QCOMPARE(s.where->pos, (SourcePos{4, 9}));
        QCOMPARE(q.orderBy.size(), std::size_t{1});
        QVERIFY(!q.orderBy[0].ascending);
        QCOMPARE(q.orderBy[0].nullsFirst, std::optional<bool>(true));
        QCOMPARE(q.limit->i, std::int64_t{5});
        QCOMPARE(render(s.items[0].expr), std::string("(t.a + 1)"));
    }

    void precedenceAndForms() {
        auto parsed = parse("SELECT -a * 2 + b % 3 = 4 OR NOT c IS NULL AND d NOT IN (1, 2), CAST(x AS DOUBLE), y::int, "
                            "EXTRACT(year FROM ts), CASE WHEN a THEN 1 END, "
                            "PERCENTILE_CONT(0.95) WITHIN GROUP (ORDER BY v), "
                            "AVG(v) OVER (PARTITION BY k ORDER BY t ROWS BETWEEN 3 PRECEDING AND CURRENT ROW), "
                            "name NOT LIKE 'a%', DATE '2026-01-02'");
        QVERIFY(parsed);
        const auto& items = parsed->query.select.items;
        QCOMPARE(render(items[0].expr),
                 std::string("(((((-a) * 2) + (b % 3)) = 4) OR ((NOT (c IS NULL)) AND (d NOT IN (1, 2))))"));
        QCOMPARE(items[0].expr.name, std::string("OR"));
        QCOMPARE(items[0].expr.args[1].name, std::string("AND"));
        QCOMPARE(items[0].expr.args[1].args[0].kind, AstKind::Unary);
        QCOMPARE(items[0].expr.args[0].name, std::string("="));
        QCOMPARE(items[1].expr.kind, AstKind::Cast);
        QCOMPARE(items[1].expr.name, std::string("double"));
        QCOMPARE(items[2].expr.kind, AstKind::Cast);
        QCOMPARE(items[3].expr.name, std::string("extract"));
        QCOMPARE(items[4].expr.kind, AstKind::Case);
        QCOMPARE(items[5].expr.withinGroup.size(), std::size_t{1});
        QVERIFY(items[6].expr.over);
        QVERIFY(items[6].expr.over->rows);
        QCOMPARE(items[6].expr.over->start.kind, FrameBound::Kind::Preceding);
        QCOMPARE(items[6].expr.over->start.offset, 3.0);
        QCOMPARE(items[7].expr.kind, AstKind::Like);
        QVERIFY(items[7].expr.negated);
        QCOMPARE(items[8].expr.literal, LiteralKind::Date);
    }

    void syntaxErrorsPointAtTokens() {
        struct Case {
            const char* text;
            int line;
            int column;
        };
        const Case cases[] = {{"SELECT", 1, 7},
                              {"SELECT a FROM", 1, 14},
                              {"SELECT a FROM t WHERE (a = 1", 1, 29},
                              {"SELECT a\nFROM t\nGROUP a", 3, 7},
                              {"SELECT CASE a END", 1, 15},
                              {"SELECT a FROM t JOIN u", 1, 23},
                              {"SELECT avg(a) OVER (ROWS BETWEEN x PRECEDING AND CURRENT ROW) FROM t", 1, 34},
                              {"SELECT (SELECT 1)", 1, 9}};
        for (const Case& c : cases) {
            auto parsed = parse(c.text);
            QVERIFY2(!parsed, c.text);
            QVERIFY2(parsed.error().pos == (SourcePos{c.line, c.column}),
                     qPrintable(QString::fromUtf8(c.text) + QStringLiteral(" → ") +
                                QString::fromStdString(parsed.error().toText())));
        }
    }

    //! 10 000 '(' or a 10 000-term chain: an error with a position, no stack overflow.
    void deepNesting() {
        const std::string open(10000, '(');
        auto a = parse("SELECT " + open + "1" + std::string(10000, ')'));
        QVERIFY(!a);
        QVERIFY(a.error().message.find("nested deeper") != std::string::npos);
        std::string chain = "SELECT 1";
        for (int i = 0; i < 10000; ++i) chain += " + 1";
        auto b = parse(chain);
        QVERIFY(!b);
        QVERIFY(b.error().message.find("nested deeper") != std::string::npos);
        std::string nots = "SELECT ";
        for (int i = 0; i < 10000; ++i) nots += "NOT ";
        QVERIFY(!parse(nots + "TRUE"));
        std::string subqueries = "SELECT * FROM ";
        for (int i = 0; i < 5000; ++i) subqueries += "(SELECT * FROM ";
        QVERIFY(!parse(subqueries + "t"));
        // 150 levels are fine
        auto ok = parse("SELECT " + std::string(150, '(') + "1" + std::string(150, ')'));
        QVERIFY(ok);
    }
};

QTEST_GUILESS_MAIN(TestSqlParser)
#include "test_sql_parser.moc"
