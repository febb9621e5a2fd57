#pragma once

#include <QRegularExpression>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace cityops::widgets::sql_console {

//! Colours SQL keywords, function names, strings, numbers, parameters and comments (including /* */
//! across lines, tracked in the block state).
class SqlHighlighter : public QSyntaxHighlighter {
    Q_OBJECT

public:
    explicit SqlHighlighter(QTextDocument* document);

protected:
    void highlightBlock(const QString& text) override;

private:
    QRegularExpression m_words;
    QTextCharFormat m_keyword;
    QTextCharFormat m_function;
    QTextCharFormat m_string;
    QTextCharFormat m_number;
    QTextCharFormat m_comment;
    QTextCharFormat m_parameter;
};

}  // namespace cityops::widgets::sql_console
