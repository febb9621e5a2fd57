#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace cityops::engine::batch {

//! Error raised by batch operations on misuse (unknown column, type mismatch); input problems in
//! loaded data are reported as values instead (rejects, Result).
class BatchError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

//! Expected-style result: a value or an error message, for operations that fail on bad input.
template <typename T>
class Result {
public:
    Result(T value) : m_data(std::move(value)) {}  // NOLINT(google-explicit-constructor)
    static Result failure(std::string message) { return Result(Failure{std::move(message)}); }

    bool ok() const { return std::holds_alternative<T>(m_data); }
    explicit operator bool() const { return ok(); }
    const T& value() const& { return checked(); }
    T& value() & { return const_cast<T&>(checked()); }
    T&& value() && { return std::move(const_cast<T&>(checked())); }
    //! Empty when ok().
    const std::string& error() const {
        static const std::string kNone;
        return ok() ? kNone : std::get<Failure>(m_data).message;
    }

private:
    struct Failure {
        std::string message;
    };
    explicit Result(Failure failure) : m_data(std::move(failure)) {}
    const T& checked() const {
        if (!ok()) throw BatchError(error());
        return std::get<T>(m_data);
    }

    std::variant<T, Failure> m_data;
};

}  // namespace cityops::engine::batch
