// usage: tsx scripts/deploy.ts [--url URL] [--keypair FILE] [--program FILE] [--program-keypair FILE | --program-id ID]
// The same as `concord deploy`.
import { main } from "../clients/cli/index";

main(["deploy", ...process.argv.slice(2)]).then((code) => (process.exitCode = code));
