#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cityops/connectors/gateway/batch_frame.h"
#include "cityops/connectors/gateway/forward_batch.h"
#include "cityops/engine/expected.h"

namespace cityops::connectors::gateway {

//! What a full disk buffer does with a batch that does not fit.
enum class FullPolicy : std::uint8_t {
    RefuseNew,   //!< keep what is buffered; the new batch is refused and its records counted as refused
    DropOldest,  //!< delete the oldest segments until the batch fits; their records are counted as dropped
};

//! Disk-buffer settings. Files: <directory>/<20-digit segment id>.seg, <directory>/cursor and
//! <directory>/lock (flock: one buffer per directory at a time, released when the process dies).
struct DiskBufferConfig {
    std::filesystem::path directory;
    std::uint64_t maxBytes = 256ULL << 20;  //!< bound on the segment files' total size
    std::uint64_t segmentBytes = 0;         //!< 0: maxBytes / 8, clamped to [64 KiB, 16 MiB]
    FullPolicy fullPolicy = FullPolicy::RefuseNew;
    //! fdatasync after every write: stored batches then survive a power loss, not only a crash.
    bool syncEveryWrite = false;
    //! How new frames' bodies are stored. Frames already on disk are read whatever they use (also the
    //! uncompressed v1 frames of older versions).
    Compression compression = Compression::Zlib;
    int compressionLevel = 1;  //!< zlib 1..9
};

//! Counters of a disk buffer (all records, not batches, unless named otherwise).
struct DiskBufferStats {
    std::uint64_t bytes = 0;            //!< current size of the segment files
    std::uint64_t pendingRecords = 0;   //!< stored and not yet popped
    std::uint64_t pendingBatches = 0;
    std::uint64_t segments = 0;
    std::uint64_t storedRecords = 0;    //!< appended since open
    std::uint64_t poppedRecords = 0;    //!< drained since open
    std::uint64_t refusedRecords = 0;   //!< FullPolicy::RefuseNew
    std::uint64_t droppedRecords = 0;   //!< FullPolicy::DropOldest
    std::uint64_t recoveredRecords = 0; //!< found pending by open()
    std::uint64_t truncatedBytes = 0;   //!< torn or corrupt tails cut off by open()
    std::uint64_t rawBytes = 0;         //!< frames appended since open, as they would be uncompressed
    std::uint64_t storedBytes = 0;      //!< the same frames as written (rawBytes - storedBytes = saved)
    std::uint64_t corruptFrames = 0;    //!< frames skipped by popFront() after front() found them unreadable
    std::uint64_t corruptRecords = 0;   //!< records in those frames (lost; the frames around them are not)
};

//! Outcome of DiskBuffer::append().
enum class StoreResult : std::uint8_t { Stored, Refused };

//! The gateway's store-and-forward buffer: batches appended as CRC-checked, optionally zlib-compressed
//! frames (batch_frame.h) to segment files and read back in the same order. A batch is durable against a crash of the process once append()
//! returned (it is in the file; with syncEveryWrite also against a power loss). The read position is
//! kept in the cursor file, updated by every popFront(), so a restart resumes after the last popped
//! batch; a crash between a forward and its popFront() repeats that one batch (at-least-once).
//! A segment is deleted once every batch in it is popped. Not thread-safe: one owner thread.
class DiskBuffer {
public:
    //! Opens or creates the buffer: scans every segment's frame headers, cuts off a torn tail (a frame
    //! header that is unreadable or runs past the end of the file; counted in truncatedBytes) and
    //! positions the read cursor. A frame whose header is sound but whose body is damaged stays: front()
    //! reports it and popFront() skips it (counted in corruptFrames/corruptRecords), so the frames after
    //! it are kept.
    static engine::Expected<std::unique_ptr<DiskBuffer>, std::string> open(DiskBufferConfig config);
    ~DiskBuffer();
    DiskBuffer(const DiskBuffer&) = delete;
    DiskBuffer& operator=(const DiskBuffer&) = delete;

    //! Appends batch as one frame, applying the full policy. An error (e.g. the disk is full) leaves
    //! the buffer as it was and the batch unstored.
    engine::Expected<StoreResult, std::string> append(const ForwardBatch& batch);
    bool empty() const { return m_stats.pendingBatches == 0; }
    //! Reads the oldest pending batch into out (whose capacities are reused); false when empty. An
    //! error names a damaged frame; popFront() then skips it and counts its records as corrupt.
    engine::Expected<bool, std::string> front(ForwardBatch& out);
    //! True when the oldest pending batch is the last one in its segment, so popFront() deletes a file
    //! (callers flush their upstream first).
    bool frontEndsSegment() const;
    //! Forgets the oldest pending batch (after it was forwarded).
    engine::Expected<void, std::string> popFront();

    const DiskBufferStats& stats() const { return m_stats; }
    const DiskBufferConfig& config() const { return m_config; }

private:
    struct Segment {
        std::uint64_t id = 0;
        std::uint64_t bytes = 0;    //!< valid bytes in the file
        std::uint64_t records = 0;  //!< records in frames not yet popped
        std::uint64_t batches = 0;  //!< frames not yet popped
    };
    explicit DiskBuffer(DiskBufferConfig config);
    engine::Expected<void, std::string> recover();
    //! Verifies segment's frames from the start, cuts a bad tail, counts the frames at or after m_readPos
    //! and sets m_readPos to the first of them.
    engine::Expected<void, std::string> scanSegment(Segment& segment);
    engine::Expected<void, std::string> openWriter();
    engine::Expected<void, std::string> removeFront();
    engine::Expected<void, std::string> writeCursor();
    std::filesystem::path segmentPath(std::uint64_t id) const;

    DiskBufferConfig m_config;
    DiskBufferStats m_stats;
    std::deque<Segment> m_segments;  //!< oldest first; the back one is written to
    int m_writeFd = -1;              //!< open on m_segments.back() when writable
    int m_readFd = -1;               //!< open on m_segments.front()
    std::uint64_t m_readPos = 0;     //!< byte position of the front frame in m_segments.front()
    std::uint64_t m_frontBytes = 0;  //!< size of the front frame once read by front(), else 0
    std::uint64_t m_frontRecords = 0;
    bool m_frontCorrupt = false;     //!< front() found the front frame damaged
    int m_cursorFd = -1;
    int m_lockFd = -1;  //!< flock'ed for the buffer's lifetime
    std::uint64_t m_nextId = 0;
    std::vector<std::byte> m_frame;  //!< encode/decode scratch
    BatchFrameCodec m_codec;
};

}  // namespace cityops::connectors::gateway
