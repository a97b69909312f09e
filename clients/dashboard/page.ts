// The dashboard page (bundled for the browser by `concord dashboard`): reads /config.json (the RPC URL and the run,
// from the server), then talks to the chain itself through web3.js and the SDK, and redraws on every change.
import { Connection, LAMPORTS_PER_SOL, PublicKey } from "@solana/web3.js";
import type { Chart as ChartClass } from "chart.js" with { "resolution-mode": "import" };
import { RunFollower } from "./runFollower";
import type { RunView } from "./runView";
import { runView } from "./runView";

// Chart.js's own browser build (served from node_modules beside this bundle, with every chart type registered)
// defines the global Chart; the package is ESM-only, so only its types are imported here.
declare const Chart: typeof ChartClass;

interface DashboardConfig {
  rpcUrl: string;
  run: string;
}

const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];
const $ = (id: string) => document.getElementById(id)!;
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const sol = (lamports: bigint) => (Number(lamports) / LAMPORTS_PER_SOL).toFixed(3);
const short = (key: string) => `${key.slice(0, 4)}…${key.slice(-4)}`;

function lossChart(): ChartClass<"line", { x: number; y: number }[]> {
  return new Chart($("loss") as HTMLCanvasElement, {
    type: "line",
    data: { datasets: [] },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: {
        x: { type: "linear", title: { display: true, text: "step" } },
        y: { title: { display: true, text: "loss" } },
      },
    },
  });
}

function bytesChart(): ChartClass<"bar", number[], string> {
  return new Chart($("bytes-chart") as HTMLCanvasElement, {
    type: "bar",
    data: { labels: [], datasets: [{ label: "bytes", data: [], backgroundColor: "#1f77b4" }] },
    options: { animation: false, maintainAspectRatio: false, plugins: { legend: { display: false } } },
  });
}

function renderTables(v: RunView): void {
  $("state").textContent = v.state;
  $("epoch").textContent = String(v.epoch);
  $("step").textContent = `${v.step} of ${v.totalSteps} (round ${v.round} of the epoch)`;
  $("bytes").textContent = `${v.totalBytes.toLocaleString("en")} bytes in ${v.bytesByStep.length} steps`;
  $("members").querySelector("tbody")!.innerHTML = v.members
    .map((m) => {
      const hash =
        m.paramsHash === null ? "–" : `${m.paramsHash.slice(0, 12)}… ${m.paramsAgree ? "agrees" : "differs"}`;
      const cells = [
        m.key,
        m.slot,
        m.status,
        sol(m.stake),
        m.committed,
        m.accepted,
        m.epochPoints,
        m.acceptedRounds,
        sol(m.rewardsOwed),
        m.openChallenges,
      ].map((c) => `<td>${escape(String(c))}</td>`);
      const hashCell = `<td class="${m.paramsAgree === false ? "disagree" : ""}">${escape(hash)}</td>`;
      return `<tr data-member="${escape(m.key)}">${cells.join("")}${hashCell}</tr>`;
    })
    .join("");
  $("challenges").querySelector("tbody")!.innerHTML = v.challenges
    .map((c) =>
      [c.challenge, short(c.member), c.step, c.status, sol(c.slashed)].map((x) => `<td>${escape(String(x))}</td>`),
    )
    .map((cells) => `<tr>${cells.join("")}</tr>`)
    .join("");
}

function renderCharts(v: RunView, loss: ReturnType<typeof lossChart>, bytes: ReturnType<typeof bytesChart>): void {
  const series = [...v.lossByMember.entries()].map(([key, points], i) => ({
    label: short(key),
    data: points.map(([x, y]) => ({ x, y })),
    borderColor: COLORS[i % COLORS.length],
    backgroundColor: COLORS[i % COLORS.length],
    showLine: false,
    pointRadius: 3,
  }));
  const mean = {
    label: "accepted mean",
    data: v.acceptedMeanLoss.map(([x, y]) => ({ x, y })),
    borderColor: "#000",
    backgroundColor: "#000",
    showLine: true,
    borderWidth: 2,
    pointRadius: 2,
  };
  loss.data.datasets = [...series, mean];
  loss.update();
  // What a test (or a person) can read without looking at pixels: how many points the chart holds.
  $("loss").dataset.points = String(series.reduce((n, s) => n + s.data.length, 0) + mean.data.length);
  bytes.data.labels = v.bytesByStep.map(([step]) => String(step));
  bytes.data.datasets[0].data = v.bytesByStep.map(([, b]) => b);
  bytes.update();
}

async function main(): Promise<void> {
  const config = (await (await fetch("/config.json")).json()) as DashboardConfig;
  const run = new PublicKey(config.run);
  $("run").textContent = config.run;
  const connection = new Connection(config.rpcUrl, "confirmed");
  const [loss, bytes] = [lossChart(), bytesChart()];
  let latest: RunView | undefined;
  let shownAt = 0;
  const follower = new RunFollower(connection, run, {
    onUpdate: (account, events) => {
      shownAt = Date.now();
      latest = runView(account, events, shownAt / 1000);
      renderTables(latest);
      renderCharts(latest, loss, bytes);
    },
    onError: (e) => {
      const status = $("connection");
      status.className = e ? "down" : "";
      status.textContent = e ? `chain unreachable (retrying): ${e.message}` : `live: ${config.rpcUrl}`;
    },
  });
  follower.start();
  // The countdown moves with the clock between updates.
  setInterval(() => {
    if (latest?.nextTransitionIn === undefined) return;
    const left = latest.nextTransitionIn === null ? null : latest.nextTransitionIn - (Date.now() - shownAt) / 1000;
    $("next").textContent =
      latest.state === "Finished"
        ? "none: the run is finished"
        : left === null
          ? "when members join or the run resumes"
          : left <= 0
            ? "due now"
            : `in ${Math.ceil(left)} s`;
  }, 250);
}

main().catch((e: Error) => {
  $("connection").className = "down";
  $("connection").textContent = `the dashboard failed to start: ${e.message}`;
});
