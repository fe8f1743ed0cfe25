/**
 * The dashboard end to end, as a user drives it: the demo server on a free loopback port and a
 * real browser (Playwright driving Debian's chromium; `.ci/run` installs it with apt-get, no
 * browser download). The memory chart updates, sorting works, a process panel opens with its
 * heap diagram, `/events` in leak mode grows the supervisor's child count in the tree, and
 * switching `/work` to fix under the same load flattens erlang:memory(processes). The run keeps a
 * screenshot (docs/dashboard.png, shown in the README).
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemoServer } from "../src/index.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
const SCREENSHOT = join(dirname(fileURLToPath(import.meta.url)), "..", "docs", "dashboard.png");

describe("the dashboard in a real browser", () => {
  let server: Awaited<ReturnType<typeof startDemoServer>>;
  let browser: Browser;
  let page: Page;
  const post = (path: string) => fetch(server.url + path, { method: "POST" }).then((r) => r.status);
  const processesMemory = async () => {
    const m = (await (await fetch(server.url + "/api/memory")).json()) as { samples: { memory: { processes: number } }[] };
    return m.samples[m.samples.length - 1]?.memory.processes ?? 0;
  };
  const settle = () => new Promise((r) => setTimeout(r, 400));

  beforeAll(async () => {
    if (CHROMIUM === undefined) throw new Error("chromium is not installed (apt-get install -y chromium, or set CHROMIUM_PATH)");
    server = await startDemoServer({ port: 0, tickMs: 10, sampleMs: 100 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
    page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    await page.goto(server.url + "/");
  }, 60_000);
  afterAll(async () => {
    await browser.close();
    await server.close();
  });

  it("the memory chart updates from the live stream", async () => {
    await page.waitForFunction(() => Number(document.body.dataset.samples ?? 0) >= 3, undefined, { timeout: 15_000 });
    const a = Number(await page.evaluate(() => document.body.dataset.samples));
    await page.waitForFunction((n) => Number(document.body.dataset.samples ?? 0) > n + 2, a, { timeout: 15_000 });
    expect(await page.locator("#memory-chart canvas").count()).toBeGreaterThan(0);
  }, 40_000);

  it("switching /work to fix under the same load flattens memory(processes)", async () => {
    const load = async () => {
      const before = await processesMemory();
      for (let i = 0; i < 4; i++) await Promise.all(Array.from({ length: 8 }, () => post("/work?n=20000")));
      await settle();
      return (await processesMemory()) - before;
    };
    const leakGrowth = await load();
    await page.selectOption('select[data-route="work"]', "fix");
    await page.waitForFunction(async () => ((await (await fetch("/mode")).json()) as { modes: { work: string } }).modes.work === "fix");
    const fixGrowth = await load();
    expect(leakGrowth).toBeGreaterThan(5 * 1024 * 1024);
    expect(fixGrowth).toBeLessThan(leakGrowth / 10);
  }, 60_000);

  it("the process table sorts by memory and by reductions", async () => {
    await page.waitForSelector("#processes tbody tr");
    const column = async (i: number) => page.$$eval(`#processes tbody tr td:nth-child(${i})`, (tds) => tds.map((td) => td.textContent));
    await page.click('th[data-key="reductions"]');
    await page.waitForSelector('th[data-key="reductions"].sorted');
    const reds = (await column(5)).map(Number);
    expect(reds.length).toBeGreaterThan(3);
    expect(reds).toEqual([...reds].sort((a, b) => b - a));
    await page.click('th[data-key="memory"]');
    await page.waitForSelector('th[data-key="memory"].sorted');
    const top = (await column(3))[0];
    expect(top).toBe("server");
  }, 30_000);

  it("a process panel opens with the heap diagram and the GC history", async () => {
    // the biggest server: it did work(20000) in its own process
    const ps = (await (await fetch(server.url + "/api/processes")).json()) as { processes: { pid: string; role: string | null }[] };
    const pid = ps.processes.find((p) => p.role === "server")?.pid ?? "";
    await page.click(`#processes tbody tr[data-pid="${pid}"]`);
    await page.waitForSelector("#panel-section:not([hidden])");
    await expect.poll(() => page.textContent("#panel-pid")).toContain(pid);
    await expect.poll(() => page.textContent("#heap-diagram")).toMatch(/young block \d+ words/);
    // the bar draws the young heap's used words and the stack; the text gives every block
    expect(await page.locator("#heap-diagram .bar .young").count()).toBe(1);
    expect(await page.locator("#heap-diagram .bar .stack").count()).toBe(1);
    expect(await page.textContent("#heap-diagram")).toMatch(/old block \d+, stack \d+, fragments \d+; binary virtual heap \d+ \/ \d+ words/);
    await expect.poll(() => page.locator("#gc-history tbody tr").count()).toBeGreaterThan(0);
  }, 30_000);

  it("/events in leak mode grows the supervisor's child count in the tree", async () => {
    const count = async () => Number((await page.textContent("#tree li .child-count")) ?? NaN);
    await page.waitForSelector("#tree li .child-count");
    const before = await count();
    for (let i = 0; i < 5; i++) expect(await post("/events")).toBe(200);
    await expect.poll(count, { timeout: 10_000 }).toBe(before + 5);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  }, 30_000);
});
