/**
 * version() -> ProgramVersion { major u16, minor u16, patch u16 }
 *
 * Accounts: none.
 * Lets clients check they speak the deployed program's layout before sending anything else; the answer is in the
 * return data (Anchor `.view()`), and logged.
 */
#include "instructions.h"
#include "../error.h"
#include "../state.h"

uint64_t process_version(SolParameters *params) {
  if (params->data_len != 8) {
    sol_log("Error: version takes no arguments");
    return ConcordError_InvalidInstructionData;
  }
  uint8_t out[6];
  write_u16(out, PROGRAM_VERSION_MAJOR);
  write_u16(out + 2, PROGRAM_VERSION_MINOR);
  write_u16(out + 4, PROGRAM_VERSION_PATCH);
  sol_set_return_data(out, sizeof(out));
  sol_log("concord coordinator");
  sol_log_64_(PROGRAM_VERSION_MAJOR, PROGRAM_VERSION_MINOR, PROGRAM_VERSION_PATCH, 0, 0);
  return SUCCESS;
}
