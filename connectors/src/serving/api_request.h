#pragma once
// Request parsing helpers of the serving layer: target split into path segments and decoded query
// parameters, typed query values with a clear message naming the parameter.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cityops::connectors::serving {

//! A request as the router sees it.
struct ApiRequest {
    std::string method;
    std::string path;
    std::vector<std::string> segments;  //!< path split on '/', empty ones dropped
    std::map<std::string, std::string> query;
    std::string body;
    std::string contentType;
};

//! A response body and status; JSON unless contentType says otherwise.
struct ApiResponse {
    int status = 200;
    std::string body;
    std::string contentType = "application/json";
};

//! Thrown by the parameter readers and caught by the router: becomes a 400 naming the field.
struct BadRequest {
    std::string message;
    std::string field;
};

//! Splits "/a/b?x=1&y=%20" into path, segments and the decoded query. False on a malformed escape.
bool parseTarget(std::string_view target, ApiRequest& out);

//! Integer parameter or fallback when absent; BadRequest when malformed or outside [lo, hi].
std::int64_t intParam(const ApiRequest& request, const std::string& name, std::optional<std::int64_t> fallback,
                      std::int64_t lo, std::int64_t hi);
//! Unsigned 64-bit number from a path segment; BadRequest naming `field` when malformed.
std::uint64_t idSegment(const std::string& text, const std::string& field);
//! Comma-separated values of a parameter; empty when absent.
std::vector<std::string> listParam(const ApiRequest& request, const std::string& name);

}  // namespace cityops::connectors::serving
