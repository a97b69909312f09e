// A relay serving one run admits only the run's members: read fresh from the Run account at each registration and
// each dial, so a member that joins is served at once and the relay keeps no copy of the table to go stale.
import type { Connection, PublicKey } from "@solana/web3.js";
import { decodeRun } from "../../sdk/coordinatorAccounts";

export function runMembership(connection: Connection): (run: PublicKey, member: PublicKey) => Promise<boolean> {
  return async (run, member) => {
    const info = await connection.getAccountInfo(run, "confirmed");
    if (!info) return false;
    const state = decodeRun(info.data, run.toBase58());
    return state.members.some((m) => "active" in m.status && m.key.equals(member));
  };
}
