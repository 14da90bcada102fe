// Checkpoints inside the library: the public types and functions
// (budget_audit/checkpoint.h, implemented in checkpoint.cc) under the names
// the log's own code uses.
#pragma once

#include "budget_audit/checkpoint.h"

namespace budget_audit::log {

using budget_audit::Checkpoint;
using budget_audit::CheckpointFromJson;
using budget_audit::CheckpointMessage;
using budget_audit::CheckpointToJson;
using budget_audit::GenerateKeyPair;
using budget_audit::KeyPair;
using budget_audit::SignCheckpoint;
using budget_audit::VerifyCheckpointSignature;

}  // namespace budget_audit::log
