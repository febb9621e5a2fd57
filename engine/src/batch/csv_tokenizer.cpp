#include "csv_tokenizer.h"

#include <algorithm>

namespace cityops::engine::batch::detail {

ScanPosition CsvTokenizer::skipBlankLines(ScanPosition pos) const {
    const std::size_t n = m_text.size();
    while (pos.offset < n) {
        if (m_text[pos.offset] == '\n') {
            ++pos.offset;
            ++pos.line;
        } else if (m_text[pos.offset] == '\r' && pos.offset + 1 < n && m_text[pos.offset + 1] == '\n') {
            pos.offset += 2;
            ++pos.line;
        } else {
            break;
        }
    }
    return pos;
}

ScanPosition CsvTokenizer::readRecord(ScanPosition pos, RecordBatch* out, RawRecord& record) const {
    const std::size_t n = m_text.size();
    std::size_t i = pos.offset;
    std::int64_t line = pos.line;
    record.line = line;
    record.offset = static_cast<std::int64_t>(i);
    record.fieldCount = 0;
    record.firstField = out != nullptr ? static_cast<std::uint32_t>(out->fields.size()) : 0;
    auto setError = [&record](std::int32_t field, std::string message) {
        if (!record.error.empty()) return;
        record.errorField = field;
        record.error = std::move(message);
    };
    auto emit = [&](std::string_view view, std::string* unescaped) {
        const std::size_t bytes = unescaped != nullptr ? unescaped->size() : view.size();
        const auto index = static_cast<std::int32_t>(record.fieldCount++);
        if (bytes > m_maxFieldBytes) {
            setError(index, "field of " + std::to_string(bytes) + " bytes exceeds the limit of " +
                                std::to_string(m_maxFieldBytes) + " bytes");
            view = {};
            unescaped = nullptr;
        }
        if (out == nullptr) return;
        if (unescaped == nullptr && view.empty()) {
            out->fields.push_back(FieldRef{});
            return;
        }
        const auto offset = static_cast<std::size_t>(view.data() - out->base);
        if (unescaped == nullptr && offset < FieldRef::kOwned && view.size() <= 0xFFFFFFFFU) {
            out->fields.push_back(FieldRef{static_cast<std::uint32_t>(offset), static_cast<std::uint32_t>(view.size())});
            return;
        }
        // Unescaped text, or (records of gigabytes) a place past what 31 bits reach: keep a copy.
        out->fields.push_back(FieldRef{static_cast<std::uint32_t>(out->owned.size()) | FieldRef::kOwned, 0});
        if (unescaped != nullptr)
            out->owned.push_back(std::move(*unescaped));
        else
            out->owned.emplace_back(view);
    };
    while (true) {
        if (i < n && m_text[i] == '"') {
            const std::int64_t openLine = line;
            ++i;
            std::size_t segment = i;
            std::string unescaped;
            bool escaped = false;
            bool closed = false;
            while (i < n) {
                const char c = m_text[i];
                if (c == '"') {
                    if (i + 1 < n && m_text[i + 1] == '"') {
                        if (out != nullptr) unescaped.append(m_text.substr(segment, i + 1 - segment));
                        escaped = true;
                        i += 2;
                        segment = i;
                        continue;
                    }
                    closed = true;
                    break;
                }
                if (c == '\n') ++line;
                ++i;
            }
            const std::string_view tail = m_text.substr(segment, i - segment);
            if (escaped && out != nullptr) unescaped.append(tail);
            if (!closed) {
                setError(-1, "unterminated quoted field opened on line " + std::to_string(openLine));
                emit(tail, escaped && out != nullptr ? &unescaped : nullptr);
                return ScanPosition{n, line};
            }
            ++i;
            if (i < n && m_text[i] != m_delimiter && m_text[i] != '\n' && m_text[i] != '\r') {
                setError(-1,
                         "unexpected character after closing quote in field " + std::to_string(record.fieldCount + 1));
                while (i < n && m_text[i] != m_delimiter && m_text[i] != '\n') ++i;
            }
            emit(tail, escaped && out != nullptr ? &unescaped : nullptr);
        } else {
            const std::size_t start = i;
            while (i < n && m_text[i] != m_delimiter && m_text[i] != '\n') ++i;
            std::size_t end = i;
            if (end > start && m_text[end - 1] == '\r') --end;
            emit(m_text.substr(start, end - start), nullptr);
        }
        if (i >= n) break;
        if (m_text[i] == m_delimiter) {
            ++i;
            if (i >= n) {
                emit({}, nullptr);
                break;
            }
            continue;
        }
        if (m_text[i] == '\r') ++i;
        if (i < n && m_text[i] == '\n') {
            ++i;
            ++line;
        }
        break;
    }
    return ScanPosition{i, line};
}

ScanPosition CsvTokenizer::parse(ScanPosition begin, std::size_t endOffset, RecordBatch& out,
                                 std::size_t maxRecords) const {
    ScanPosition pos = skipBlankLines(begin);
    if (out.base == nullptr) out.base = m_text.data() + pos.offset;
    if (maxRecords == 0 && endOffset > pos.offset) {
        // Generous estimates (short fields, short records) so the arrays do not regrow and copy.
        const std::size_t bytes = std::min(endOffset, m_text.size()) - pos.offset;
        out.fields.reserve(out.fields.size() + bytes / 6 + 16);  // 8 bytes per 6 input bytes
        out.records.reserve(out.records.size() + bytes / 48 + 16);
    }
    std::size_t count = 0;
    while (pos.offset < endOffset && pos.offset < m_text.size()) {
        RawRecord record;
        pos = readRecord(pos, &out, record);
        out.records.push_back(std::move(record));
        pos = skipBlankLines(pos);
        if (maxRecords != 0 && ++count >= maxRecords) break;
    }
    return pos;
}

std::vector<ScanPosition> CsvTokenizer::splitPoints(ScanPosition begin, std::size_t parts) const {
    // Speculative: near each target, the first newline with an even number of quotes before it (counted
    // from the start) is taken as a record start; line numbers count newlines. Both are single vectorised
    // passes. A stray quote inside an unquoted field can mislead the guess: verifySplit() then says so.
    ScanPosition pos = skipBlankLines(begin);
    std::vector<ScanPosition> points{pos};
    const std::size_t n = m_text.size();
    const std::size_t origin = pos.offset;
    const std::size_t total = n - origin;
    std::size_t counted = origin;  // quotes and newlines are counted up to here
    std::size_t quotes = 0;
    std::int64_t line = pos.line;
    for (std::size_t k = 1; k < parts; ++k) {
        std::size_t i = std::max(origin + total * k / parts, counted);
        quotes += static_cast<std::size_t>(std::count(m_text.data() + counted, m_text.data() + i, '"'));
        line += std::count(m_text.data() + counted, m_text.data() + i, '\n');
        counted = i;
        while (i < n && (m_text[i] != '\n' || (quotes & 1) != 0)) {
            if (m_text[i] == '"') ++quotes;
            ++i;
        }
        if (i >= n) break;
        line += std::count(m_text.data() + counted, m_text.data() + i, '\n') + 1;  // through this newline
        counted = i + 1;
        ScanPosition next = skipBlankLines(ScanPosition{i + 1, line});
        quotes += static_cast<std::size_t>(std::count(m_text.data() + counted, m_text.data() + next.offset, '"'));
        counted = next.offset;
        line = next.line;
        if (next.offset >= n) break;
        if (next.offset > points.back().offset) points.push_back(next);
    }
    return points;
}

std::vector<ScanPosition> CsvTokenizer::exactSplitPoints(ScanPosition begin, std::size_t parts) const {
    ScanPosition pos = skipBlankLines(begin);
    std::vector<ScanPosition> points{pos};
    const std::size_t total = m_text.size() - pos.offset;
    const std::size_t origin = pos.offset;
    for (std::size_t k = 1; k < parts; ++k) {
        const std::size_t target = origin + total * k / parts;
        while (pos.offset < target && pos.offset < m_text.size()) {
            RawRecord record;
            pos = skipBlankLines(readRecord(pos, nullptr, record));
        }
        if (pos.offset >= m_text.size()) break;
        if (pos.offset > points.back().offset) points.push_back(pos);
    }
    return points;
}

}  // namespace cityops::engine::batch::detail
