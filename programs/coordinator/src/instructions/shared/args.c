#include "args.h"
#include "../../error.h"

uint64_t args_finish(const Args *a) {
  if (a->failed) {
    sol_log("Error: instruction arguments are truncated or malformed");
    return ConcordError_InvalidInstructionData;
  }
  if (a->left) {
    sol_log("Error: trailing bytes after the instruction arguments");
    return ConcordError_InvalidInstructionData;
  }
  return SUCCESS;
}

uint64_t args_none(const SolParameters *params) {
  Args args = args_start(params);
  return args_finish(&args);
}
