// The run's dataset from data servers when no prepared folder holds it (`concord train --server` without --data,
// whose members are also asked when no server answers; the audit commands' --data folder): into a cache folder, with
// a progress bar on a terminal, one line per step otherwise, and one JSON event per line with --json.
import { MultiBar } from "cli-progress";
import * as codes from "../../../sdk/errors/codes";
import { ConcordError } from "../../../sdk/errors/concordError";
import type { DatasetEvent } from "../../../trainer/data/datasetDownload";
import { downloadDataset } from "../../../trainer/data/datasetDownload";
import type { Dataset } from "../../../trainer/data/tokenShards";
import type { BlobSource } from "../../../trainer/node/peerBlobs";
import { MANIFEST_FILE } from "../../../trainer/data/tokenShards";
import { progressWanted, stopBars } from "./progress";

/** Each `--server` value as a base URL; an address that is not http(s) is refused with its flag. */
export function parseServers(values: readonly string[]): string[] {
  return values.map((value) => {
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      // reported below
    }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.search || url.hash)
      throw new ConcordError(codes.CONCORD_ERROR__TRAINER__INVALID_SERVER, { value });
    return value.replace(/\/+$/, "");
  });
}

/** One line per event, as people read them (a shard's arrival only moves the bar). */
export function formatDatasetEvent(e: DatasetEvent): string | undefined {
  switch (e.kind) {
    case "download-started":
      return `dataset ${e.dataset}: ${e.shards} shards, ${e.cached} cached, ${e.bytes} bytes to download`;
    case "blob-refused":
      return `warning: ${e.file === MANIFEST_FILE ? "the manifest" : `shard ${e.file}`} from ${e.server} refused: ${e.reason}`;
    case "shard-downloaded":
      return undefined;
    case "download-finished":
      return `dataset ready in ${e.dir}: ${e.downloaded} shards downloaded (${e.bytes} bytes), ${e.cached} cached`;
  }
}

/** Downloads the run's dataset into `<cacheDir>/<hash>/` (or finds it there) and opens it. */
export async function downloadRunDataset(o: {
  hash: string;
  servers: string[];
  cacheDir: string;
  json: boolean;
  peers?: BlobSource;
  /** Where the lines go without a bar (default stdout; an audit keeps its stdout for its table). */
  log?: (line: string) => void;
}): Promise<Dataset> {
  // Lines print above the bar (MultiBar.log), so the two do not overwrite each other.
  const bars = progressWanted(o.json) ? new MultiBar({ format: "dataset {bar} {value}/{total} bytes" }) : null;
  let bar: ReturnType<MultiBar["create"]> | undefined; // from the first shard's bytes: a cached dataset shows none
  const log = o.log ?? ((line: string) => console.log(line));
  const say = (line: string) => (bars ? bars.log(`${line}\n`) : log(line));
  try {
    return await downloadDataset({
      hash: o.hash,
      servers: o.servers,
      peers: o.peers,
      cacheDir: o.cacheDir,
      onEvent: (e) => {
        const line = o.json ? JSON.stringify(e) : formatDatasetEvent(e);
        if (line !== undefined) say(line);
      },
      onBytes: (received, total) => {
        bar ??= bars?.create(total, 0);
        bar?.update(received);
      },
    });
  } finally {
    stopBars(bars);
  }
}
