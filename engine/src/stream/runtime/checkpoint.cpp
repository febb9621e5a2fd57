#include "cityops/engine/stream/checkpoint.h"

#include <cstring>

#include "cityops/engine/stream/operator.h"

namespace cityops::engine::stream {

std::string CheckpointImage::encode() const {
    StateWriter writer;
    writer.put<std::uint32_t>(kMagic);
    writer.put<std::uint32_t>(kVersion);
    writer.put<std::uint32_t>(static_cast<std::uint32_t>(workers.size()));
    writer.putBytes(source);
    for (const auto& worker : workers) {
        writer.putBytes(worker);
    }
    writer.putBytes(global);
    const auto& bytes = writer.bytes();
    return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

Expected<CheckpointImage, std::string> CheckpointImage::decode(std::string_view blob) {
    StateReader reader(std::as_bytes(std::span(blob.data(), blob.size())));
    const auto magic = reader.get<std::uint32_t>();
    const auto version = reader.get<std::uint32_t>();
    if (reader.failed() || magic != kMagic) {
        return std::string("checkpoint state: not a stream-runtime checkpoint (bad magic)");
    }
    if (version != kVersion) {
        return "checkpoint state: version " + std::to_string(version) + " is not the supported version " +
               std::to_string(kVersion);
    }
    const auto workerCount = reader.get<std::uint32_t>();
    if (reader.failed() || workerCount == 0 || workerCount > 4096) {
        return "checkpoint state: implausible worker count " + std::to_string(workerCount);
    }
    CheckpointImage image;
    auto take = [&reader](std::vector<std::byte>& out) {
        auto bytes = reader.getBytes();
        out.assign(bytes.begin(), bytes.end());
    };
    take(image.source);
    image.workers.resize(workerCount);
    for (auto& worker : image.workers) {
        take(worker);
    }
    take(image.global);
    if (reader.failed() || !reader.atEnd()) {
        return std::string("checkpoint state: truncated or trailing bytes (") + std::to_string(blob.size()) +
               " bytes)";
    }
    return image;
}

std::vector<storage::CheckpointOffset> toCheckpointOffsets(const std::vector<log::PartitionOffset>& positions) {
    std::vector<storage::CheckpointOffset> out;
    out.reserve(positions.size());
    for (const auto& p : positions) {
        out.push_back({p.topic, p.partition, p.offset});
    }
    return out;
}

std::vector<log::PartitionOffset> toPartitionOffsets(const std::vector<storage::CheckpointOffset>& offsets) {
    std::vector<log::PartitionOffset> out;
    out.reserve(offsets.size());
    for (const auto& o : offsets) {
        out.push_back({o.topic, o.partition, o.offset});
    }
    return out;
}

}  // namespace cityops::engine::stream
