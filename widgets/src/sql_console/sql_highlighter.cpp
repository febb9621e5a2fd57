#include "sql_console/sql_highlighter.h"

#include <QSet>

#include "cityops/widgets/sql_console/sql_editor.h"

namespace cityops::widgets::sql_console {

namespace {

constexpr int kInComment = 1;  //!< block state: a /* comment continues into the next block

}  // namespace

SqlHighlighter::SqlHighlighter(QTextDocument* document)
    : QSyntaxHighlighter(document),
      m_words(QStringLiteral(R"(--[^\n]*|/\*|'(?:[^']|'')*'?|:[A-Za-z_]\w*|\b\d+(?:\.\d+)?\b|\b[A-Za-z_]\w*\b)")) {
    m_keyword.setForeground(QColor(0x3d, 0x7e, 0xd8));
    m_keyword.setFontWeight(QFont::Bold);
    m_function.setForeground(QColor(0x9b, 0x59, 0xb6));
    m_string.setForeground(QColor(0x27, 0xae, 0x60));
    m_number.setForeground(QColor(0xd3, 0x54, 0x00));
    m_comment.setForeground(QColor(0x7f, 0x8c, 0x8d));
    m_comment.setFontItalic(true);
    m_parameter.setForeground(QColor(0xc0, 0x39, 0x2b));
}

void SqlHighlighter::highlightBlock(const QString& text) {
    static const QSet<QString> keywords(sqlKeywords().cbegin(), sqlKeywords().cend());
    static const QSet<QString> functions(sqlFunctions().cbegin(), sqlFunctions().cend());
    setCurrentBlockState(0);
    qsizetype at = 0;
    if (previousBlockState() == kInComment) {
        const qsizetype end = text.indexOf(QStringLiteral("*/"));
        if (end < 0) {
            setFormat(0, static_cast<int>(text.size()), m_comment);
            setCurrentBlockState(kInComment);
            return;
        }
        setFormat(0, static_cast<int>(end + 2), m_comment);
        at = end + 2;
    }
    auto it = m_words.globalMatch(text, at);
    while (it.hasNext()) {
        const auto match = it.next();
        const QString token = match.captured();
        const int start = static_cast<int>(match.capturedStart());
        const int length = static_cast<int>(match.capturedLength());
        if (token.startsWith(QStringLiteral("/*"))) {
            const qsizetype end = text.indexOf(QStringLiteral("*/"), start + 2);
            if (end < 0) {
                setFormat(start, static_cast<int>(text.size()) - start, m_comment);
                setCurrentBlockState(kInComment);
                return;
            }
            setFormat(start, static_cast<int>(end + 2) - start, m_comment);
            it = m_words.globalMatch(text, end + 2);
        } else if (token.startsWith(QStringLiteral("--"))) {
            setFormat(start, length, m_comment);
        } else if (token.startsWith(QLatin1Char('\''))) {
            setFormat(start, length, m_string);
        } else if (token.startsWith(QLatin1Char(':'))) {
            setFormat(start, length, m_parameter);
        } else if (token.front().isDigit()) {
            setFormat(start, length, m_number);
        } else if (keywords.contains(token.toUpper())) {
            setFormat(start, length, m_keyword);
        } else if (functions.contains(token.toLower())) {
            setFormat(start, length, m_function);
        }
    }
}

}  // namespace cityops::widgets::sql_console
