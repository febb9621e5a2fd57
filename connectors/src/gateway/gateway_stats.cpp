#include <cstdio>
#include <string>

#include "cityops/connectors/gateway/gateway.h"

namespace cityops::connectors::gateway {

namespace {

void appendEscaped(std::string& out, const std::string& text) {
    out += '"';
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
            out += escaped;
        } else {
            out += c;
        }
    }
    out += '"';
}

void field(std::string& out, const char* name, std::uint64_t value) {
    out += '"';
    out += name;
    out += "\":";
    out += std::to_string(value);
    out += ',';
}

}  // namespace

std::string toJson(const GatewayStats& s) {
    std::string out = "{\"gateway\":" + std::to_string(s.gateway) + ",";
    field(out, "udp_datagrams", s.udpDatagrams);
    field(out, "udp_bytes", s.udpBytes);
    field(out, "tcp_connections", s.tcpConnections);
    field(out, "tcp_bytes", s.tcpBytes);
    field(out, "payloads", s.payloads);
    field(out, "accepted", s.accepted);
    field(out, "filtered", s.filtered);
    out += "\"rejected\":{";
    for (int i = 1; i < engine::stream::kDecodeErrorCount; ++i) {
        out += '"';
        out += engine::stream::toString(static_cast<engine::stream::DecodeError>(i));
        out += "\":";
        out += std::to_string(s.rejected[static_cast<std::size_t>(i)]);
        out += i + 1 < engine::stream::kDecodeErrorCount ? "," : "},";
    }
    field(out, "rejected_total", s.rejectedTotal);
    field(out, "forwarded", s.forwarded);
    field(out, "forwarded_batches", s.forwardedBatches);
    field(out, "buffered", s.buffered);
    field(out, "drained", s.drained);
    field(out, "buffer_pending", s.bufferPending);
    field(out, "buffer_bytes", s.bufferBytes);
    field(out, "buffer_recovered", s.bufferRecovered);
    field(out, "buffer_refused", s.bufferRefused);
    field(out, "buffer_dropped", s.bufferDropped);
    field(out, "buffer_failed", s.bufferFailed);
    field(out, "buffer_corrupt", s.bufferCorrupt);
    field(out, "upstream_errors", s.upstreamErrors);
    out += "\"compression\":\"";
    out += toString(s.compression);
    out += "\",";
    field(out, "compression_raw_bytes", s.compressionRawBytes);
    field(out, "compression_stored_bytes", s.compressionStoredBytes);
    field(out, "bytes_saved", s.bytesSaved());
    char ratio[32];
    std::snprintf(ratio, sizeof ratio, "%.3f", s.compressionRatio());
    out += "\"compression_ratio\":";
    out += ratio;
    out += ',';
    out += "\"upstream_up\":";
    out += s.upstreamUp ? "true," : "false,";
    out += "\"last_upstream_error\":";
    appendEscaped(out, s.lastUpstreamError);
    out += ",\"last_rejection\":";
    appendEscaped(out, s.lastRejection);
    out += '}';
    return out;
}

}  // namespace cityops::connectors::gateway
