#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "cityops/connectors/kafka_worker.h"

namespace cityops::app {

//! What the cityops-engine command line asks for.
struct EngineWorkerCommand {
    enum class Action { Run, TopicsCheck, TopicsApply, Help, Version };
    Action action = Action::Run;
    connectors::KafkaWorkerConfig worker;
    bool kafkaMock = false;        //!< start librdkafka's in-process mock cluster (3 brokers) for a demo
    std::uint64_t demoReadings = 0;  //!< with --kafka-mock: simulated CO2 readings produced first
    int replicationFactor = 3;     //!< of the topics --topics-check / --topics-apply want
    std::chrono::milliseconds duration{0};       //!< 0: until SIGINT / SIGTERM
    std::chrono::milliseconds statsInterval{10'000};
};

//! Parses cityops-engine's arguments (without argv[0]). Returns "" and fills command, or one message
//! naming the option and the problem. The SASL password is read from CITYOPS_KAFKA_PASSWORD or
//! --sasl-password-file, never from the command line (it would show in ps).
std::string parseEngineWorkerCommand(const std::vector<std::string>& args, EngineWorkerCommand& command);

//! The --help text.
std::string engineWorkerUsage();

}  // namespace cityops::app
