package dev.ditto.e2e;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * {@code ./ditto drill <name>|all}: an operator's bad day, played on the packaged server with its own embedded
 * PostgreSQL and Elasticsearch and real runner processes, each drill on a data folder of its own. Each drill prints
 * what it saw and writes its figures, with {@code passed}, into {@code <out>/drills.json} (one object per drill
 * name; other drills' entries are kept). The exit status is 1 when a drill did not pass.
 *
 * <ul>
 *   <li>{@code postgres-killed}: SIGKILL to the postmaster while a campaign's instructions are written;</li>
 *   <li>{@code server-killed}: SIGKILL to the server under {@code ./ditto up} while instructions are written;</li>
 *   <li>{@code runner-churn}: one GENERATE job whose runners are killed three times and stopped twice;</li>
 *   <li>{@code disk-full}: the blob store on a small file system that fills up;</li>
 *   <li>{@code search-hang}: Elasticsearch frozen with SIGSTOP for 60 s;</li>
 *   <li>{@code runner-stop}: SIGTERM to a runner in the middle of a PROBE's model inference, and of a GENERATE;</li>
 *   <li>{@code search-down}: Elasticsearch gone for 60 s while samples are generated, judged and decided;</li>
 *   <li>{@code runners}: 1,000 GENERATE jobs through 8 runners, one of them SIGKILLed and restarted every few
 *   seconds;</li>
 *   <li>{@code postgres-restart}: PostgreSQL shut down (fast) and started again while samples are generated,
 *   judged and decided;</li>
 *   <li>{@code s3-flaky}: the blobs in an S3 store (s3proxy) that refuses or resets 5% of requests;</li>
 *   <li>{@code replica-killed}: two servers behind HAProxy, one SIGKILLed mid-campaign and mid-publish
 *   ({@link ReplicaKilledDrill}).</li>
 *   <li>{@code node-lost}: one node of a three-node Elasticsearch cluster SIGKILLed while samples are indexed
 *   ({@link NodeLostDrill}).</li>
 *   <li>{@code scale-out}: two servers on separate data folders behind HAProxy, a three-node Elasticsearch cluster
 *   and an S3 bucket, a runner making samples end to end through HAProxy ({@link ScaleOutDrill}).</li>
 * </ul>
 */
public final class Drills {
    static final List<String> NAMES = List.of("postgres-killed", "server-killed", "runner-churn", "disk-full", "search-hang",
            "runner-stop", "search-down", "runners", "postgres-restart",
            "s3-flaky", "replica-killed", "node-lost", "scale-out");
    private static final int SOURCES = 3;
    private static final int PER_SOURCE = 16;

    private Drills() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench-results");
        String which = args.length > 1 ? args[1] : "all";
        List<String> names = which.equals("all") ? NAMES : List.of(which.split(","));
        for (String n : names) {
            if (!NAMES.contains(n)) {
                System.err.println("unknown drill '" + n + "' (" + String.join(" ", NAMES) + " all)");
                System.exit(2);
            }
        }
        boolean allPassed = true;
        for (String name : names) {
            say("drill " + name);
            long t0 = System.nanoTime();
            Map<String, Object> figures = new LinkedHashMap<>();
            try {
                switch (name) {
                    case "postgres-killed" -> postgresKilled(figures);
                    case "server-killed" -> serverKilled(figures);
                    case "runner-churn" -> runnerChurn(figures);
                    case "disk-full" -> diskFull(figures);
                    case "search-hang" -> searchHang(figures);
                    case "runner-stop" -> runnerStop(figures);
                    case "search-down" -> searchDown(figures);
                    case "runners" -> runners(figures);
                    case "postgres-restart" -> postgresRestart(figures);
                    case "s3-flaky" -> s3Flaky(figures);
                    case "replica-killed" -> ReplicaKilledDrill.run(figures);
                    case "node-lost" -> NodeLostDrill.run(figures);
                    case "scale-out" -> ScaleOutDrill.run(figures);
                    default -> throw new IllegalStateException(name);
                }
            } catch (Exception | AssertionError e) {
                figures.put("passed", false);
                figures.put("error", String.valueOf(e.getMessage()));
                e.printStackTrace();
            }
            figures.putIfAbsent("passed", false);
            figures.put("drill_seconds", round((System.nanoTime() - t0) / 1e9));
            figures.put("ran_at", Instant.now().toString());
            figures.put("machine", Runtime.getRuntime().availableProcessors() + " cores");
            allPassed &= Boolean.TRUE.equals(figures.get("passed"));
            write(out, name, figures);
            say(name + ": " + (Boolean.TRUE.equals(figures.get("passed")) ? "PASSED" : "FAILED") + " " + figures);
        }
        System.exit(allPassed ? 0 : 1);
    }

    // ---------------------------------------------------------------------------------------------------- drills

    /**
     * Kill -9 of the postmaster while a campaign's instructions are written: the watchdog starts PostgreSQL again,
     * the API answers 503 with Retry-After meanwhile (never 401 or 500, and quickly), and the campaign finishes with
     * exactly its instructions, none twice.
     */
    static void postgresKilled(Map<String, Object> f) throws Exception {
        try (DrillPlatform p = DrillPlatform.create("postgres-killed", List.of())) {
            p.startServer();
            p.startRunner("r1");
            List<Long> sources = p.awaitReadySources(SOURCES, Duration.ofMinutes(6));
            Playwright playwright = playwright();
            Browser browser = BrowserJourney.chromium(playwright);
            Page dashboard = signedIn(browser, p); // an admin's open page, which should show the outage, not freeze
            long campaign = startCampaign(p.admin, sources, PER_SOURCE);
            JsonObject atKill = awaitWritingStarted(p.admin, campaign);
            long postmaster = p.postmasterPid().orElseThrow(() -> new AssertionError("no postmaster pid"));
            Poller api = new Poller(p.baseUrl, "/api/campaigns/" + campaign, true, 200).start();
            long killedAt = System.nanoTime();
            ProcessHandle.of(postmaster).ifPresent(ProcessHandle::destroyForcibly);
            say("killed the postmaster " + postmaster + " with " + atKill.get("written") + " of " + SOURCES * PER_SOURCE + " written");
            boolean bannerSeen;
            try {
                dashboard.locator("[data-testid=database-banner]").waitFor(new com.microsoft.playwright.Locator.WaitForOptions().setTimeout(15_000));
                bannerSeen = true;
            } catch (RuntimeException e) {
                bannerSeen = false;
            }
            double back = awaitSeconds(killedAt, Duration.ofSeconds(120),
                    () -> p.postmasterPid().filter(pid -> pid != postmaster).isPresent() && api.lastStatus() == 200);
            api.stopAfter(Duration.ofSeconds(2));
            f.put("dashboard_banner_shown", bannerSeen);
            boolean bannerGone;
            try {
                dashboard.locator("[data-testid=database-banner]").waitFor(new com.microsoft.playwright.Locator.WaitForOptions()
                        .setState(com.microsoft.playwright.options.WaitForSelectorState.HIDDEN).setTimeout(20_000));
                bannerGone = true;
            } catch (RuntimeException e) {
                bannerGone = false;
            }
            f.put("dashboard_banner_hidden_after", bannerGone);
            browser.close();
            playwright.close();
            JsonObject done = awaitCampaignDone(p.admin, campaign, Duration.ofMinutes(5));
            f.put("written_at_kill", atKill.get("written").getAsInt());
            f.put("postgres_back_seconds", round(back));
            api.describeOutage(f, "api");
            checkCampaign(p.admin, campaign, done, SOURCES * PER_SOURCE, f);
            boolean answeredWell = api.count(s -> s == 401 || s == 500 || s == -1) == 0 && api.count(s -> s == 503) > 0
                    && api.all503HaveRetryAfter() && api.maxLatencyMs() <= 5000;
            f.put("passed", (int) f.get("written_at_kill") < SOURCES * PER_SOURCE && back < 90 && answeredWell
                    && bannerSeen && bannerGone && Boolean.TRUE.equals(f.get("campaign_exact")));
        }
    }

    /**
     * Kill -9 of the server under {@code ./ditto up} while instructions are written: the launcher stops at once
     * (its runner hands back without waiting a grace), {@code ./ditto up} again finishes the campaign, and a clean
     * stop then leaves no process of that data folder.
     */
    static void serverKilled(Map<String, Object> f) throws Exception {
        try (DrillPlatform p = DrillPlatform.create("server-killed", List.of())) {
            Process launcher = launch(p, 1);
            p.awaitReady(Duration.ofMinutes(5));
            List<Long> sources = p.awaitReadySources(SOURCES, Duration.ofMinutes(6));
            long campaign = startCampaign(p.admin, sources, PER_SOURCE);
            JsonObject atKill = awaitWritingStarted(p.admin, campaign);
            ProcessHandle server = launcher.descendants().filter(h -> commandLine(h).contains("ditto-server.jar"))
                    .findFirst().orElseThrow(() -> new AssertionError("no server process under the launcher"));
            List<ProcessHandle> children = launcher.descendants().filter(h -> commandLine(h).contains("ditto-runner.jar")).toList();
            long killedAt = System.nanoTime();
            server.destroyForcibly();
            say("killed the server " + server.pid() + " with " + atKill.get("written") + " written; waiting for the launcher");
            boolean launcherExited = launcher.waitFor(60, TimeUnit.SECONDS);
            double launcherExit = (System.nanoTime() - killedAt) / 1e9;
            boolean runnersGone = children.stream().noneMatch(ProcessHandle::isAlive);
            f.put("written_at_kill", atKill.get("written").getAsInt());
            f.put("launcher_exit_seconds_after_crash", round(launcherExit));
            f.put("launcher_exit_status", launcherExited ? launcher.exitValue() : null);
            f.put("runner_stopped_with_launcher", runnersGone);
            f.put("processes_left_after_crash", p.processesLeft()); // the embedded servers may still be stopping
            if (!launcherExited) {
                launcher.destroyForcibly().waitFor();
            }
            long restartAt = System.nanoTime();
            Process again = launch(p, 2);
            p.awaitReady(Duration.ofMinutes(3));
            f.put("restart_ready_seconds", round((System.nanoTime() - restartAt) / 1e9));
            JsonObject done = awaitCampaignDone(p.admin, campaign, Duration.ofMinutes(5));
            f.put("campaign_done_seconds_after_restart", round((System.nanoTime() - restartAt) / 1e9));
            checkCampaign(p.admin, campaign, done, SOURCES * PER_SOURCE, f);
            long stopAt = System.nanoTime();
            again.destroy(); // SIGTERM, as Ctrl-C reaches the launcher's trap
            boolean stopped = again.waitFor(120, TimeUnit.SECONDS);
            f.put("clean_stop_seconds", round((System.nanoTime() - stopAt) / 1e9));
            List<String> left = awaitNoProcesses(p, Duration.ofSeconds(10));
            f.put("processes_left_after_clean_stop", left);
            f.put("passed", (int) f.get("written_at_kill") < SOURCES * PER_SOURCE && launcherExited && launcherExit <= 15
                    && runnersGone && stopped && left.isEmpty() && Boolean.TRUE.equals(f.get("campaign_exact")));
        }
    }

    /**
     * One GENERATE job whose runner is killed (SIGKILL) three times and stopped (SIGTERM, hand-back) twice, then
     * finished by a sixth runner: it succeeds with one attempt of its own, five runner losses, nothing PARKED.
     */
    static void runnerChurn(Map<String, Object> f) throws Exception {
        try (DrillPlatform p = DrillPlatform.create("runner-churn", SHORT_LEASES)) {
            List<Long> sources = probedWithShortLeases(p);
            startCampaign(p.admin, sources.subList(0, 1), 1);
            long job = p.admin.await("/api/admin/jobs?type=GENERATE", j -> !j.getAsJsonArray().isEmpty(), Duration.ofMinutes(2))
                    .getAsJsonArray().get(0).getAsJsonObject().get("id").getAsLong();
            List<Double> requeue = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                boolean kill = i <= 3;
                Process r = kill ? p.startRunner("kill-" + i) : p.startRunner("stop-" + i, "--grace-seconds", "1");
                awaitJob(p.admin, job, j -> j.get("status").getAsString().equals("RUNNING"), Duration.ofMinutes(3));
                long t0 = System.nanoTime();
                if (kill) {
                    r.destroyForcibly();
                } else {
                    r.destroy();
                }
                r.waitFor(60, TimeUnit.SECONDS);
                JsonObject queued = awaitJob(p.admin, job, j -> !j.get("status").getAsString().equals("RUNNING"), Duration.ofMinutes(2));
                requeue.add(round((System.nanoTime() - t0) / 1e9));
                say((kill ? "killed" : "stopped") + " runner " + i + ": job " + queued.get("status").getAsString()
                        + " after " + requeue.getLast() + " s, runner losses " + queued.get("runnerLosses"));
                if (!queued.get("status").getAsString().equals("QUEUED")) {
                    throw new AssertionError("after runner " + i + " the job is " + queued);
                }
            }
            p.startRunner("final");
            JsonObject finished = awaitJob(p.admin, job, j -> Set.of("SUCCEEDED", "PARKED", "FAILED", "DROPPED")
                    .contains(j.get("status").getAsString()), Duration.ofMinutes(5));
            int parked = p.admin.get("/api/admin/jobs?status=PARKED").getAsJsonArray().size();
            f.put("requeue_seconds_after_kill", requeue.subList(0, 3));
            f.put("requeue_seconds_after_stop", requeue.subList(3, 5));
            f.put("final_status", finished.get("status").getAsString());
            f.put("attempts", finished.get("attempts").getAsInt());
            f.put("max_attempts", finished.get("maxAttempts").getAsInt());
            f.put("runner_losses", finished.get("runnerLosses").getAsInt());
            f.put("parked_jobs", parked);
            f.put("passed", finished.get("status").getAsString().equals("SUCCEEDED") && parked == 0
                    && finished.get("runnerLosses").getAsInt() == 5
                    && finished.get("attempts").getAsInt() - finished.get("runnerLosses").getAsInt() == 1);
        }
    }

    /**
     * SIGTERM to a runner in the middle of a PROBE (while its clips go through the ONNX text and face models) and of
     * a GENERATE, each with a 1 s grace period: the runner stops claiming, hands its job back at once (the job is
     * QUEUED again in seconds, not after the 60 s lease), closes its native models only after the job thread has
     * ended, and exits 0 with no JVM crash file. Another runner then finishes both jobs, each done once.
     */
    static void runnerStop(Map<String, Object> f) throws Exception {
        try (DrillPlatform p = DrillPlatform.create("runner-stop", List.of("--ditto.runner.lease-seconds=60",
                "--ditto.runner.heartbeat-seconds=1", "--ditto.judge.enabled=false"))) {
            long started = System.currentTimeMillis();
            p.startServer();
            // mid-PROBE: the demo corpus queued its PROBE jobs at first start; stop the runner inside the per-clip models
            Map<String, Object> probe = stopMidJob(p, "probe-stop", JobType.PROBE, "--stages", "probe");
            List<Long> sources = p.awaitReadySources(1, Duration.ofMinutes(8)); // a second runner probes meanwhile
            // mid-GENERATE
            startCampaign(p.admin, sources.subList(0, 1), 1);
            p.admin.await("/api/admin/jobs?type=GENERATE", j -> !j.getAsJsonArray().isEmpty(), Duration.ofMinutes(3));
            Map<String, Object> generate = stopMidJob(p, "generate-stop", JobType.GENERATE, "--stages", "generate");
            for (Map<String, Object> m : List.of(probe, generate)) {
                long job = (Long) m.remove("job");
                JsonObject done = awaitJob(p.admin, job, j -> Set.of("SUCCEEDED", "PARKED", "FAILED", "DROPPED")
                        .contains(j.get("status").getAsString()), Duration.ofMinutes(8));
                m.put("final_status", done.get("status").getAsString());
                m.put("attempts", done.get("attempts").getAsInt());
                m.put("runner_losses", done.get("runnerLosses").getAsInt());
            }
            List<String> crashFiles = crashFiles(List.of(p.folder, p.root, p.root.resolve("e2e")), started);
            f.put("probe", probe);
            f.put("generate", generate);
            f.put("crash_files", crashFiles);
            boolean ok = crashFiles.isEmpty();
            for (Map<String, Object> m : List.of(probe, generate)) {
                ok &= Integer.valueOf(0).equals(m.get("exit_status")) && "QUEUED".equals(m.get("status_after_stop"))
                        && (Double) m.get("requeue_seconds") < 30 && Boolean.TRUE.equals(m.get("models_closed_after_job"))
                        && "SUCCEEDED".equals(m.get("final_status"))
                        && (Integer) m.get("attempts") - (Integer) m.get("runner_losses") == 1;
            }
            f.put("passed", ok);
        }
    }

    /**
     * Elasticsearch killed and kept down for 60 s (the drill holds its port, so the watchdog's restarts fail until
     * then) while samples are generated, judged and decided: every search meanwhile answers 503 with the reason,
     * decisions go on, and once Elasticsearch is back the index catches up: documents = samples in PostgreSQL, and
     * the samples accepted during the outage are found as accepted.
     */
    static void searchDown(Map<String, Object> f) throws Exception {
        try (DrillPlatform p = DrillPlatform.create("search-down", List.of("--ditto.search.embedded-watchdog-ms=2000"))) {
            p.startServer();
            p.startRunner("r1");
            List<Long> sources = p.awaitReadySources(SOURCES, Duration.ofMinutes(6));
            long campaign = startCampaign(p.admin, sources, 4);
            p.admin.await("/api/admin/search/status", s -> s.getAsJsonObject().get("indexedDocuments").getAsLong() >= 2,
                    Duration.ofMinutes(10));
            long esPid = p.elasticsearchPid().orElseThrow(() -> new AssertionError("no Elasticsearch pid"));
            ProcessHandle es = ProcessHandle.of(esPid).orElseThrow();
            es.destroyForcibly();
            es.onExit().get(30, TimeUnit.SECONDS);
            long t0 = System.nanoTime();
            Map<Integer, Integer> searchStatuses = new java.util.TreeMap<>();
            Set<String> reasons = new java.util.TreeSet<>();
            Set<Long> accepted = new HashSet<>();
            int decisionErrors = 0;
            // hold the port for 60 s, resetting every connection: the watchdog's restarts fail fast ("port in use") and
            // clients see a refused node, as when Elasticsearch is down, not a hanging one
            try (java.net.ServerSocket hold = new java.net.ServerSocket(p.esPort, 50, java.net.InetAddress.getLoopbackAddress())) {
                Thread.ofVirtual().start(() -> {
                    while (!hold.isClosed()) {
                        try (java.net.Socket c = hold.accept()) {
                            c.setSoLinger(true, 0);
                        } catch (IOException e) {
                            // closed at the end of the outage
                        }
                    }
                });
                say("Elasticsearch killed; its port is held for 60 s");
                while (System.nanoTime() - t0 < Duration.ofSeconds(60).toNanos()) {
                    HttpResponse<String> search = p.admin.raw("GET", "/api/search?q=video&size=5", null);
                    searchStatuses.merge(search.statusCode(), 1, Integer::sum);
                    if (search.statusCode() >= 400) {
                        reasons.add(detail(search));
                    }
                    long sample = acceptNext(p.admin);
                    if (sample >= 0) {
                        accepted.add(sample);
                    } else if (sample == -2) {
                        decisionErrors++;
                    }
                    pause(2000);
                }
            }
            double downSeconds = (System.nanoTime() - t0) / 1e9;
            say("port released after " + round(downSeconds) + " s; searches " + searchStatuses + ", accepted " + accepted.size());
            double backSeconds = awaitSeconds(System.nanoTime(), Duration.ofMinutes(4),
                    () -> p.admin.raw("GET", "/api/search?q=video&size=5", null).statusCode() == 200);
            JsonObject done = awaitCampaignDone(p.admin, campaign, Duration.ofMinutes(20));
            // the last judged samples and decisions reach the index through the outbox
            JsonObject status = awaitIndexCaughtUp(p.admin, Duration.ofMinutes(5));
            // the last writes become searchable with the index's next refresh (1 s)
            long caughtUp = System.nanoTime();
            long acceptedFound = -1;
            while (acceptedFound != accepted.size() && System.nanoTime() - caughtUp < Duration.ofSeconds(60).toNanos()) {
                acceptedFound = p.admin.get("/api/search?status=ACCEPTED&size=100").getAsJsonObject().get("total").getAsLong();
                pause(acceptedFound == accepted.size() ? 0 : 500);
            }
            f.put("accepted_visible_seconds_after_caught_up", round((System.nanoTime() - caughtUp) / 1e9));
            f.put("down_seconds", round(downSeconds));
            f.put("searches_during_outage", searchStatuses);
            f.put("search_reasons", List.copyOf(reasons));
            f.put("accepted_during_outage", accepted.size());
            f.put("decision_errors", decisionErrors);
            f.put("search_back_seconds_after_port_released", round(backSeconds));
            f.put("campaign_status", done.get("status").getAsString());
            f.put("indexed_documents", status.get("indexedDocuments").getAsLong());
            f.put("samples_in_database", status.get("samplesInDatabase").getAsLong());
            f.put("accepted_found_by_search", acceptedFound);
            boolean only503 = searchStatuses.keySet().stream().allMatch(c -> c == 503);
            f.put("passed", downSeconds >= 60 && only503 && !reasons.isEmpty() && reasons.stream().allMatch(r -> r.contains("Search"))
                    && decisionErrors == 0 && !accepted.isEmpty() && done.get("status").getAsString().equals("DONE")
                    && status.get("indexedDocuments").getAsLong() == status.get("samplesInDatabase").getAsLong()
                    && acceptedFound == accepted.size());
        }
    }

    /**
     * 1,000 GENERATE jobs (regenerations, through the REST API) run by 8 runners with a trivial copying engine while
     * one runner, picked at random, is SIGKILLed and restarted every 3 s: when the queue has drained, every job
     * SUCCEEDED exactly once (one completion, one sample result), no sample was made twice, nothing is PARKED, and
     * the runner losses account for every extra attempt. Checked in PostgreSQL itself.
     */
    static void runners(Map<String, Object> f) throws Exception {
        int jobs = Integer.getInteger("ditto.drill.runners.jobs", 1000);
        int runnerCount = 8;
        try (DrillPlatform p = DrillPlatform.create("runners", SHORT_LEASES)) {
            List<Long> sources = probedWithShortLeases(p);
            List<Process> fleet = new ArrayList<>();
            for (int i = 0; i < runnerCount; i++) {
                fleet.add(p.startCopyRunner("r" + i, "--stages", "generate", "--grace-seconds", "5"));
            }
            long campaign = startCampaign(p.admin, sources, 2);
            awaitCampaignDone(p.admin, campaign, Duration.ofMinutes(5));
            List<Long> originals = new ArrayList<>();
            long madeBy = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (originals.isEmpty() && System.nanoTime() < madeBy) {
                pause(1000);
                try (var db = p.database(); var st = db.createStatement();
                     var rs = st.executeQuery("select id from samples where edited_blob_key is not null order by id")) {
                    while (rs.next()) {
                        originals.add(rs.getLong(1));
                    }
                }
            }
            if (originals.isEmpty()) {
                throw new AssertionError("the copy runners made no sample to regenerate within 10 minutes");
            }
            long t0 = System.nanoTime();
            java.util.Random random = new java.util.Random(20261207L);
            List<Long> queuedJobs = new ArrayList<>();
            int kills = 0;
            long nextKill = System.nanoTime();
            for (int i = 0; i < jobs; i++) {
                long sample = originals.get(i % originals.size());
                queuedJobs.add(p.admin.post("/api/samples/" + sample + "/regenerate", "{}").getAsJsonObject().get("jobId").getAsLong());
                if (System.nanoTime() >= nextKill) {
                    kills += killAndRestart(p, fleet, random);
                    nextKill = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                }
            }
            double queuedSeconds = (System.nanoTime() - t0) / 1e9;
            say(jobs + " jobs queued in " + round(queuedSeconds) + " s");
            long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
            long left = jobs;
            while (System.nanoTime() < deadline) {
                try (var db = p.database(); var st = db.createStatement();
                     var rs = st.executeQuery("select count(*) from jobs where type = 'GENERATE' and status in ('QUEUED', 'RUNNING')")) {
                    rs.next();
                    left = rs.getLong(1);
                }
                if (left == 0) {
                    break;
                }
                if (System.nanoTime() >= nextKill) {
                    kills += killAndRestart(p, fleet, random);
                    nextKill = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                    say(left + " jobs left, " + kills + " runners killed");
                }
                pause(250);
            }
            double drainSeconds = (System.nanoTime() - t0) / 1e9;
            String ids = queuedJobs.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","));
            Map<String, Long> counts = new LinkedHashMap<>();
            try (var db = p.database(); var st = db.createStatement()) {
                counts.put("jobs", single(st, "select count(*) from jobs where id in (" + ids + ")"));
                counts.put("succeeded", single(st, "select count(*) from jobs where id in (" + ids + ") and status = 'SUCCEEDED'"));
                counts.put("parked", single(st, "select count(*) from jobs where id in (" + ids + ") and status = 'PARKED'"));
                counts.put("distinct_samples", single(st, "select count(distinct sample_id) from jobs where id in (" + ids + ")"));
                counts.put("samples_with_result", single(st, "select count(*) from samples s join jobs j on j.sample_id = s.id "
                        + "where j.id in (" + ids + ") and s.edited_blob_key is not null and s.status <> 'GENERATING'"));
                counts.put("jobs_per_sample_over_one", single(st, "select count(*) from (select sample_id from jobs where type = 'GENERATE' "
                        + "group by sample_id having count(*) > 1) d"));
                counts.put("regenerated_samples", single(st, "select count(*) from samples where regenerated_from is not null"));
                counts.put("attempts_beyond_losses", single(st, "select count(*) from jobs where id in (" + ids + ") "
                        + "and attempts - runner_losses <> 1"));
                counts.put("runner_losses", single(st, "select coalesce(sum(runner_losses), 0) from jobs where id in (" + ids + ")"));
            }
            f.put("jobs", jobs);
            f.put("runners", runnerCount);
            f.put("runners_killed", kills);
            f.put("queue_seconds", round(queuedSeconds));
            f.put("drain_seconds", round(drainSeconds));
            f.put("jobs_per_second", round(jobs / drainSeconds));
            f.putAll(counts);
            f.put("lost", jobs - counts.get("succeeded") - counts.get("parked"));
            f.put("passed", left == 0 && counts.get("jobs") == jobs && counts.get("succeeded") == jobs && counts.get("parked") == 0
                    && counts.get("distinct_samples") == jobs && counts.get("samples_with_result") == jobs
                    && counts.get("jobs_per_sample_over_one") == 0 && counts.get("regenerated_samples") == jobs
                    && counts.get("attempts_beyond_losses") == 0 && kills > 0);
        }
    }

    /** SIGKILL to one runner of {@code fleet}, picked at random, and a fresh runner in its place; answers 1. */
    private static int killAndRestart(DrillPlatform p, List<Process> fleet, java.util.Random random) throws IOException {
        int i = random.nextInt(fleet.size());
        fleet.get(i).destroyForcibly();
        fleet.set(i, p.startCopyRunner("r" + i + "-" + System.nanoTime() % 100000, "--stages", "generate", "--grace-seconds", "5"));
        return 1;
    }

    private static long single(java.sql.Statement st, String sql) throws java.sql.SQLException {
        try (var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * PostgreSQL stopped the way an operator restarts it (SIGINT, a fast shutdown that aborts open transactions) while
     * samples are generated, judged and decided; the watchdog starts it again. The server reconnects by itself, the
     * campaign finishes, and no write is partial: every sample has its instruction and its GENERATE job, every
     * generated sample its edited video and key frame, as files in the blob store.
     */
    static void postgresRestart(Map<String, Object> f) throws Exception {
        try (DrillPlatform p = DrillPlatform.create("postgres-restart", List.of())) {
            p.startServer();
            p.startRunner("r1");
            List<Long> sources = p.awaitReadySources(SOURCES, Duration.ofMinutes(6));
            long campaign = startCampaign(p.admin, sources, 4);
            p.admin.await("/api/campaigns/" + campaign, c -> c.getAsJsonObject().getAsJsonObject("jobs").entrySet().stream()
                    .filter(e -> e.getKey().equals("SUCCEEDED")).mapToLong(e -> e.getValue().getAsLong()).sum() >= 2, Duration.ofMinutes(10));
            // a curator keeps deciding through it all
            java.util.concurrent.atomic.AtomicInteger decided = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean curating = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread curator = Thread.ofVirtual().start(() -> {
                while (curating.get()) {
                    try {
                        if (acceptNext(p.admin) >= 0) {
                            decided.incrementAndGet();
                        }
                    } catch (IllegalStateException e) {
                        say("curator: " + e.getMessage()); // no answer while the server reconnects; try again
                    }
                    pause(500);
                }
            });
            long postmaster = p.postmasterPid().orElseThrow(() -> new AssertionError("no postmaster pid"));
            Poller api = new Poller(p.baseUrl, "/api/campaigns/" + campaign, true, 200).start();
            long stoppedAt = System.nanoTime();
            if (!run("kill", "-INT", Long.toString(postmaster))) {
                throw new AssertionError("could not signal the postmaster " + postmaster);
            }
            say("fast shutdown of the postmaster " + postmaster + "; " + decided.get() + " decisions so far");
            double back = awaitSeconds(stoppedAt, Duration.ofSeconds(120),
                    () -> p.postmasterPid().filter(pid -> pid != postmaster).isPresent() && api.lastStatus() == 200);
            api.stopAfter(Duration.ofSeconds(2));
            JsonObject done = awaitCampaignDone(p.admin, campaign, Duration.ofMinutes(10));
            long settleDeadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
            long unsettled;
            do {
                pause(1000);
                try (var db = p.database(); var st = db.createStatement()) {
                    unsettled = single(st, "select count(*) from jobs where status in ('QUEUED', 'RUNNING')")
                            + single(st, "select count(*) from samples where status in ('QUEUED', 'GENERATING', 'JUDGING')");
                }
            } while (unsettled > 0 && System.nanoTime() < settleDeadline);
            curating.set(false);
            curator.join(Duration.ofSeconds(30));
            Map<String, Long> partial = new LinkedHashMap<>();
            List<String> missingFiles = new ArrayList<>();
            long samples;
            try (var db = p.database(); var st = db.createStatement()) {
                samples = single(st, "select count(*) from samples");
                partial.put("samples_without_instruction", single(st, "select count(*) from samples s left join instructions i "
                        + "on i.id = s.instruction_id where i.id is null"));
                partial.put("samples_without_generate_job", single(st, "select count(*) from samples s where not exists "
                        + "(select 1 from jobs j where j.sample_id = s.id and j.type = 'GENERATE')"));
                partial.put("generated_without_video", single(st, "select count(*) from samples where status not in "
                        + "('QUEUED', 'GENERATING', 'FAILED') and (edited_blob_key is null or keyframe_blob_key is null)"));
                partial.put("succeeded_job_sample_not_generated", single(st, "select count(*) from jobs j join samples s on "
                        + "s.id = j.sample_id where j.type = 'GENERATE' and j.status = 'SUCCEEDED' and s.edited_blob_key is null"));
                partial.put("instructions_without_sample", single(st, "select count(*) from instructions i where i.campaign_id = "
                        + campaign + " and not exists (select 1 from samples s where s.instruction_id = i.id)"));
                try (var rs = st.executeQuery("select edited_blob_key, keyframe_blob_key from samples where edited_blob_key is not null")) {
                    while (rs.next()) {
                        for (String key : List.of(rs.getString(1), rs.getString(2))) {
                            Path file = p.data.resolve("blobs").resolve(key.substring(0, 2)).resolve(key.substring(2, 4)).resolve(key);
                            if (!Files.isRegularFile(file)) {
                                missingFiles.add(key);
                            }
                        }
                    }
                }
            }
            f.put("postgres_back_seconds", round(back));
            api.describeOutage(f, "api");
            f.put("decisions_during_drill", decided.get());
            f.put("campaign_status", done.get("status").getAsString());
            f.put("samples", samples);
            f.put("unsettled", unsettled);
            f.putAll(partial);
            f.put("blob_files_missing", missingFiles.size());
            boolean answeredWell = api.count(s -> s == 401 || s == 500 || s == -1) == 0 && api.all503HaveRetryAfter();
            f.put("passed", back < 90 && answeredWell && unsettled == 0 && done.get("status").getAsString().equals("DONE")
                    && samples > 0 && partial.values().stream().allMatch(v -> v == 0) && missingFiles.isEmpty()
                    && decided.get() > 0);
        }
    }

    /** Leases of 10 s, heartbeats every 2 s, the reaper every second, no judge: runner losses show quickly. */
    private static final List<String> SHORT_LEASES = List.of("--ditto.runner.lease-seconds=10",
            "--ditto.runner.heartbeat-seconds=2", "--ditto.queue.reaper-interval-ms=1000", "--ditto.judge.enabled=false");

    /** Starts the server, lets a PROBE-only runner probe the demo sources, stops it, and answers the sources. */
    private static List<Long> probedWithShortLeases(DrillPlatform p) throws Exception {
        p.startServer();
        Process prober = p.startRunner("probe", "--stages", "probe");
        List<Long> sources = p.awaitReadySources(SOURCES, Duration.ofMinutes(6));
        prober.destroy();
        prober.waitFor(2, TimeUnit.MINUTES);
        return sources;
    }

    /** The next sample for the admin as curator, accepted: its id, or -1 when none was left or a call failed. */
    static long acceptNext(Api api) {
        HttpResponse<String> next = api.raw("POST", "/api/curation/next", "{}");
        if (next.statusCode() != 200) {
            return next.statusCode() == 204 ? -1 : -2;
        }
        long sample = JsonParser.parseString(next.body()).getAsJsonObject().get("sampleId").getAsLong();
        HttpResponse<String> d = api.raw("POST", "/api/curation/samples/" + sample + "/decision", "{\"decision\":\"ACCEPT\"}");
        if (d.statusCode() != 200) {
            say("decision on sample " + sample + " answered " + d.statusCode() + ": " + d.body());
            return -2;
        }
        return sample;
    }

    enum JobType { PROBE, GENERATE }

    /**
     * Starts a runner for one job type, waits until its job is in the model-heavy part (a PROBE's per-clip stage, a
     * GENERATE past its download), sends SIGTERM, and records what followed; a fresh runner of the same type is
     * started afterwards to finish the job.
     */
    private static Map<String, Object> stopMidJob(DrillPlatform p, String name, JobType type, String... extra) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        Process runner = p.startRunner(name, merge(extra, "--grace-seconds", "1"));
        JsonObject running = p.admin.await("/api/admin/jobs?type=" + type + "&status=RUNNING", l -> l.getAsJsonArray().asList()
                .stream().anyMatch(j -> inModels(type, j.getAsJsonObject())), Duration.ofMinutes(6)).getAsJsonArray().asList()
                .stream().map(JsonElement::getAsJsonObject).filter(j -> inModels(type, j)).findFirst().orElseThrow();
        long job = running.get("id").getAsLong();
        m.put("job", job);
        m.put("stage_at_stop", running.get("stage").getAsString());
        long t0 = System.nanoTime();
        runner.destroy(); // SIGTERM
        JsonObject after = awaitJob(p.admin, job, j -> !j.get("status").getAsString().equals("RUNNING"), Duration.ofMinutes(2));
        m.put("requeue_seconds", round((System.nanoTime() - t0) / 1e9));
        m.put("status_after_stop", after.get("status").getAsString());
        boolean exited = runner.waitFor(2, TimeUnit.MINUTES);
        m.put("exit_seconds", round((System.nanoTime() - t0) / 1e9));
        m.put("exit_status", exited ? runner.exitValue() : -1);
        String log = Files.readString(p.folder.resolve("runner-" + name + ".log"));
        int handedBack = log.indexOf("handing back to the queue");
        int jobEnded = log.indexOf("Runner " + name + " stopped:");
        m.put("models_closed_after_job", handedBack >= 0 && jobEnded > handedBack
                && !log.contains("Models left open") && !log.contains("A fatal error has been detected"));
        say(name + ": SIGTERM at stage '" + m.get("stage_at_stop") + "'; job " + job + " " + m.get("status_after_stop")
                + " after " + m.get("requeue_seconds") + " s; runner exited " + m.get("exit_status") + " after "
                + m.get("exit_seconds") + " s");
        p.startRunner(name + "-next", extra);
        return m;
    }

    private static boolean inModels(JobType type, JsonObject job) {
        String stage = job.has("stage") && !job.get("stage").isJsonNull() ? job.get("stage").getAsString() : "";
        return type == JobType.PROBE ? stage.startsWith("clip ") : !stage.isEmpty() && !stage.startsWith("download");
    }

    private static String[] merge(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** JVM crash files ({@code hs_err_pid*.log}, {@code replay_pid*.log}) written since {@code sinceMillis}. */
    private static List<String> crashFiles(List<Path> folders, long sinceMillis) throws IOException {
        List<String> found = new ArrayList<>();
        for (Path folder : folders) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (var files = Files.walk(folder, folder.startsWith(folders.getFirst()) ? 4 : 1)) {
                for (Path f : files.toList()) {
                    String n = f.getFileName().toString();
                    if ((n.startsWith("hs_err_pid") || n.startsWith("replay_pid")) && Files.getLastModifiedTime(f).toMillis() >= sinceMillis) {
                        found.add(f.toString());
                    }
                }
            }
        }
        return found;
    }

    /**
     * The blob store on a small file system (a tmpfs this drill mounts, or {@code DITTO_DRILL_SMALL_FS}) filled to
     * the brim: uploads answer 507 naming the folder and its free space, nothing half-written stays, a runner's
     * artefact upload waits without using an attempt, and everything completes once space returns.
     */
    static void diskFull(Map<String, Object> f) throws Exception {
        String given = System.getenv("DITTO_DRILL_SMALL_FS");
        DrillPlatform p = DrillPlatform.create("disk-full", List.of());
        Path blobs = given != null ? Path.of(given) : p.folder.resolve("blobs");
        boolean mounted = false;
        if (given == null) {
            Files.createDirectories(blobs);
            if (!run("mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", blobs.toString())) {
                f.put("passed", false);
                f.put("error", "needs a small file system for the blob store: run as root (the drill mounts a 256 MB "
                        + "tmpfs) or set DITTO_DRILL_SMALL_FS to an empty folder on a small file system");
                return;
            }
            mounted = true;
        }
        Path filler = blobs.resolve("drill-filler.bin");
        try (p) {
            DrillPlatform platform = withArgument(p, "--ditto.blobs.dir=" + blobs);
            platform.startServer();
            platform.startRunner("r1");
            List<Long> sources = platform.awaitReadySources(SOURCES, Duration.ofMinutes(6));
            long free = fill(filler, 256 * 1024);
            f.put("free_bytes_when_full", free);
            byte[] clip = gunzip(Path.of("/usr/share/doc/opencv-doc/opencv4/html/cup.mp4.gz"));
            byte[] flipped = clip.clone();
            flipped[flipped.length / 2] ^= 1; // another video as far as the content address goes
            HttpResponse<String> declared = upload(platform, "full.mp4", flipped, true);
            HttpResponse<String> streamed = upload(platform, "full-chunked.mp4", flipped, false);
            f.put("upload_declared_status", declared.statusCode());
            f.put("upload_streamed_status", streamed.statusCode());
            f.put("upload_507_detail", detail(declared));
            List<String> partial = partFiles(blobs);
            f.put("half_written_files", partial.size());
            startCampaign(platform.admin, sources.subList(0, 1), 2);
            JsonObject waiting = platform.admin.await("/api/admin/jobs?type=GENERATE&status=RUNNING",
                    l -> stream(l).anyMatch(j -> j.has("stage") && !j.get("stage").isJsonNull()
                            && j.get("stage").getAsString().contains("disk full")), Duration.ofMinutes(4))
                    .getAsJsonArray().get(0).getAsJsonObject();
            f.put("runner_stage_while_full", waiting.get("stage").getAsString());
            long freedAt = System.nanoTime();
            Files.delete(filler);
            JsonArray jobs = platform.admin.await("/api/admin/jobs?type=GENERATE", l -> l.getAsJsonArray().size() == 2
                    && stream(l).allMatch(j -> Set.of("SUCCEEDED", "FAILED", "PARKED").contains(j.get("status").getAsString())),
                    Duration.ofMinutes(6)).getAsJsonArray();
            f.put("jobs_done_seconds_after_space_returned", round((System.nanoTime() - freedAt) / 1e9));
            f.put("job_statuses", stream(jobs).map(j -> j.get("status").getAsString()).toList());
            f.put("job_attempts", stream(jobs).map(j -> j.get("attempts").getAsInt()).toList());
            HttpResponse<String> after = upload(platform, "after.mp4", flipped, true);
            f.put("upload_after_space_returned_status", after.statusCode());
            boolean named = detail(declared).contains(blobs.toString()) && detail(declared).toLowerCase(Locale.ROOT).contains("free");
            f.put("passed", declared.statusCode() == 507 && streamed.statusCode() == 507 && named && partial.isEmpty()
                    && stream(jobs).allMatch(j -> j.get("status").getAsString().equals("SUCCEEDED") && j.get("attempts").getAsInt() == 1)
                    && after.statusCode() == 201);
        } finally {
            Files.deleteIfExists(filler);
            if (mounted) {
                run("umount", "-l", blobs.toString());
            }
        }
    }

    /**
     * Elasticsearch frozen with SIGSTOP for 60 s: liveness, readiness and the health summary answer within 2 s every
     * time, readiness stays UP (search is a degraded component, not a reason to take the server out), and health is
     * UP again after SIGCONT.
     */
    static void searchHang(Map<String, Object> f) throws Exception {
        try (DrillPlatform p = DrillPlatform.create("search-hang", List.of("--ditto.demo.enabled=false"))) {
            p.startServer();
            long es = p.elasticsearchPid().orElseThrow(() -> new AssertionError("no Elasticsearch pid"));
            // warm the request paths once, as a load balancer's first probes would
            for (String path : List.of("/actuator/health", "/actuator/health/readiness", "/actuator/health/liveness")) {
                new Poller(p.baseUrl, path, false, 1).once();
            }
            Poller readiness = new Poller(p.baseUrl, "/actuator/health/readiness", false, 500).start();
            Poller liveness = new Poller(p.baseUrl, "/actuator/health/liveness", false, 500).start();
            Poller health = new Poller(p.baseUrl, "/actuator/health", false, 500).start();
            Poller search = new Poller(p.baseUrl, "/api/search?q=cup&size=5", true, 2000).start();
            if (!run("kill", "-STOP", Long.toString(es))) {
                throw new AssertionError("could not SIGSTOP Elasticsearch " + es);
            }
            say("Elasticsearch " + es + " stopped (SIGSTOP) for 60 s");
            long stoppedAt = System.nanoTime();
            Map<String, Object> dashboard = dashboardDuringHang(p);
            long left = Duration.ofSeconds(60).toNanos() - (System.nanoTime() - stoppedAt);
            if (left > 0) {
                Thread.sleep(Duration.ofNanos(left)); // the fault lasts 60 s: the drill's definition, not a wait for a result
            }
            run("kill", "-CONT", Long.toString(es));
            long resumedAt = System.nanoTime();
            readiness.stop();
            liveness.stop();
            health.stop();
            search.stop();
            double recovered = awaitSeconds(resumedAt, Duration.ofSeconds(120), () -> healthStatus(p).equals("UP"));
            f.put("hang_seconds", round((resumedAt - stoppedAt) / 1e9));
            readiness.describeOutage(f, "readiness");
            liveness.describeOutage(f, "liveness");
            health.describeOutage(f, "health");
            search.describeOutage(f, "search");
            f.put("health_statuses_seen", health.bodiesStatuses());
            f.put("health_up_seconds_after_resume", round(recovered));
            f.putAll(dashboard);
            f.put("passed", readiness.maxLatencyMs() <= 2000 && liveness.maxLatencyMs() <= 2000 && health.maxLatencyMs() <= 2000
                    && readiness.count(s -> s != 200) == 0 && liveness.count(s -> s != 200) == 0
                    && health.count(s -> s != 200) == 0 && health.bodiesStatuses().contains("DEGRADED")
                    && recovered < 60 && Boolean.TRUE.equals(dashboard.get("dashboard_ok")));
        }
    }

    /**
     * The blobs in an S3 store (s3proxy) behind a proxy that refuses 5% of requests and cuts 5% of answers; the
     * presigned URLs point at the proxy too, so runners meet the faults. Sources are probed, a campaign generates,
     * every sample in review is accepted and a release is built: every retry succeeds, every object under
     * {@code blobs/} hashes to its key, nothing is left staged, and the release's sha256 list matches the store.
     */
    static void s3Flaky(Map<String, Object> f) throws Exception {
        DrillPlatform p = DrillPlatform.create("s3-flaky", List.of());
        try (dev.ditto.db.embedded.EmbeddedS3Proxy store = dev.ditto.db.embedded.EmbeddedS3Proxy.start(p.folder,
                dev.ditto.db.embedded.EmbeddedS3Proxy.defaultJar(), RunningPlatform.freePort());
             dev.ditto.testing.TcpFaultProxy flaky = new dev.ditto.testing.TcpFaultProxy(store.port()); p) {
            flaky.faults(0.05);
            for (String a : List.of("--ditto.blobs.s3.endpoint=http://127.0.0.1:" + flaky.port(), "--ditto.blobs.s3.bucket=drill",
                    "--ditto.blobs.s3.access-key=" + dev.ditto.db.embedded.EmbeddedS3Proxy.IDENTITY,
                    "--ditto.blobs.s3.secret-key=" + dev.ditto.db.embedded.EmbeddedS3Proxy.CREDENTIAL,
                    "--ditto.blobs.s3.path-style=true", "--ditto.blobs.s3.create-bucket=true")) {
                p.extraArgument(a);
            }
            p.startServer();
            p.startRunner("r1");
            List<Long> sources = p.awaitReadySources(SOURCES, Duration.ofMinutes(8));
            long campaign = startCampaign(p.admin, sources.subList(0, 1), 4);
            awaitCampaignDone(p.admin, campaign, Duration.ofMinutes(6));
            JsonArray jobs = p.admin.await("/api/admin/jobs?type=GENERATE", l -> !l.getAsJsonArray().isEmpty()
                    && stream(l).allMatch(j -> Set.of("SUCCEEDED", "FAILED", "PARKED").contains(j.get("status").getAsString())),
                    Duration.ofMinutes(10)).getAsJsonArray();
            f.put("generate_jobs", jobs.size());
            f.put("generate_succeeded", stream(jobs).filter(j -> j.get("status").getAsString().equals("SUCCEEDED")).count());
            int accepted = 0;
            long reviewDeadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (System.nanoTime() < reviewDeadline) {
                JsonElement next = p.admin.post("/api/curation/next", "{}");
                if (!next.isJsonObject() || !next.getAsJsonObject().has("sampleId")) { // 204: nothing in review now
                    if (accepted > 0) {
                        break;
                    }
                    pause(1000); // the judge is still deciding the first samples
                    continue;
                }
                p.admin.post("/api/curation/samples/" + next.getAsJsonObject().get("sampleId").getAsLong() + "/decision",
                        "{\"decision\":\"ACCEPT\"}");
                accepted++;
            }
            f.put("samples_accepted", accepted);
            JsonObject release = p.admin.post("/api/releases", "{\"name\":\"drill-s3\",\"version\":\"1.0.0\"}").getAsJsonObject();
            f.put("release_state", release.get("state").getAsString());
            f.put("faults_injected", flaky.faultsInjected());

            Path bucket = store.dataDir().resolve("drill");
            List<String> wrongBlobs = new ArrayList<>();
            long blobsChecked = 0;
            try (var files = Files.list(bucket.resolve("blobs"))) {
                for (Path blob : files.toList()) {
                    blobsChecked++;
                    if (!sha256(blob).equals(blob.getFileName().toString())) {
                        wrongBlobs.add(blob.getFileName().toString());
                    }
                }
            }
            long staged = Files.exists(bucket.resolve("incoming"))
                    ? Files.walk(bucket.resolve("incoming")).filter(Files::isRegularFile).count() : 0;
            Path releaseDir = bucket.resolve("releases/drill-s3/1.0.0");
            JsonObject manifest = JsonParser.parseString(Files.readString(releaseDir.resolve("manifest.json"))).getAsJsonObject();
            List<String> mismatched = new ArrayList<>();
            int releaseFiles = 0;
            for (JsonElement e : manifest.getAsJsonArray("files")) {
                JsonObject file = e.getAsJsonObject();
                releaseFiles++;
                Path stored = releaseDir.resolve(file.get("path").getAsString());
                if (!Files.isRegularFile(stored) || !sha256(stored).equals(file.get("sha256").getAsString())) {
                    mismatched.add(file.get("path").getAsString());
                }
            }
            f.put("blobs_checked", blobsChecked);
            f.put("blobs_not_matching_their_key", wrongBlobs);
            f.put("staged_objects_left", staged);
            f.put("release_files", releaseFiles);
            f.put("release_files_not_matching_the_store", mismatched);
            f.put("passed", release.get("state").getAsString().equals("BUILT") && accepted > 0
                    && stream(jobs).allMatch(j -> j.get("status").getAsString().equals("SUCCEEDED"))
                    && flaky.faultsInjected() > 0 && blobsChecked > 0 && wrongBlobs.isEmpty() && staged == 0
                    && releaseFiles > 0 && mismatched.isEmpty());
        }
    }

    private static String sha256(Path file) throws Exception {
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            in.transferTo(new java.security.DigestOutputStream(java.io.OutputStream.nullOutputStream(), sha));
        }
        return java.util.HexFormat.of().formatHex(sha.digest());
    }

    private static Playwright playwright() {
        return Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    }

    /** A page signed in as the admin, in Debian's Chromium as the journeys drive it. */
    private static Page signedIn(Browser browser, DrillPlatform p) {
        Page page = browser.newContext().newPage();
        page.setDefaultTimeout(20_000);
        BrowserJourney.signIn(page, p.baseUrl, "admin", DrillPlatform.ADMIN_PASSWORD);
        return page;
    }

    /**
     * The dashboard while Elasticsearch hangs, in Debian's Chromium: the search page shows at once with a spinner,
     * Cancel stops the wait, and another page opens without waiting for the search.
     */
    private static Map<String, Object> dashboardDuringHang(DrillPlatform p) {
        Map<String, Object> f = new LinkedHashMap<>();
        try (Playwright playwright = playwright(); Browser browser = BrowserJourney.chromium(playwright)) {
            Page page = signedIn(browser, p);
            long t0 = System.nanoTime();
            page.navigate(p.baseUrl + "/search");
            page.locator("[data-testid=search-busy]").waitFor();
            f.put("dashboard_search_page_with_spinner_ms", (System.nanoTime() - t0) / 1_000_000);
            long t1 = System.nanoTime();
            page.locator("[data-testid=search-cancel]").click();
            page.locator("[data-testid=search-total][data-search=cancelled]").waitFor();
            f.put("dashboard_cancel_ms", (System.nanoTime() - t1) / 1_000_000);
            page.locator("[data-testid=search-run]").click(); // searching again: the spinner, and leaving the page
            page.locator("[data-testid=search-busy]").waitFor();
            long t2 = System.nanoTime();
            page.locator("vaadin-side-nav-item[path='sources']").click(); // in-app navigation, as a curator would
            page.waitForURL(url -> url.contains("/sources"));
            page.locator("h2:has-text('Sources')").first().waitFor();
            f.put("dashboard_navigate_away_ms", (System.nanoTime() - t2) / 1_000_000);
            f.put("dashboard_ok", (long) f.get("dashboard_search_page_with_spinner_ms") < 10_000
                    && (long) f.get("dashboard_navigate_away_ms") < 10_000);
        } catch (RuntimeException e) {
            f.put("dashboard_ok", false);
            f.put("dashboard_error", String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        return f;
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    private static DrillPlatform withArgument(DrillPlatform p, String argument) {
        p.extraArgument(argument);
        return p;
    }

    /** {@code ./ditto up} on the drill's folder and ports; its output goes to {@code launcher-<n>.log}. */
    private static Process launch(DrillPlatform p, int n) throws IOException {
        List<String> command = new ArrayList<>(List.of(p.root.resolve("ditto").toString(), "up"));
        for (String a : p.serverArguments()) {
            if (!a.startsWith("--server.port=") && !a.startsWith("--ditto.data-dir=") && !a.startsWith("--ditto.runner.local-token-file=")) {
                command.add(a);
            }
        }
        ProcessBuilder b = new ProcessBuilder(command).directory(p.root.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(p.folder.resolve("launcher-" + n + ".log").toFile()));
        b.environment().put("DITTO_DATA_DIR", p.data.toString());
        b.environment().put("DITTO_PORT", Integer.toString(p.port));
        return b.start();
    }

    static long startCampaign(Api api, List<Long> sources, int perSource) {
        String ids = sources.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElseThrow();
        return api.post("/api/campaigns", "{\"name\":\"drill\",\"sourceIds\":[" + ids + "],\"perSource\":" + perSource
                + ",\"seed\":7}").getAsJsonObject().get("id").getAsLong();
    }

    /** Polls fast until at least one instruction is written, so the fault lands in the middle of the writing. */
    private static JsonObject awaitWritingStarted(Api api, long campaign) {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            JsonObject c = api.get("/api/campaigns/" + campaign).getAsJsonObject();
            if (c.get("written").getAsInt() > 0 || !Set.of("QUEUED", "RUNNING").contains(c.get("status").getAsString())) {
                return c;
            }
            pause(20);
        }
        throw new AssertionError("campaign " + campaign + " wrote nothing within 3 minutes");
    }

    static JsonObject awaitCampaignDone(Api api, long campaign, Duration timeout) {
        return api.await("/api/campaigns/" + campaign,
                c -> !Set.of("QUEUED", "RUNNING").contains(c.getAsJsonObject().get("status").getAsString()), timeout).getAsJsonObject();
    }

    /** The campaign ended DONE with exactly its instructions, none twice, one GENERATE job per sample. */
    private static void checkCampaign(Api api, long campaign, JsonObject done, int expected, Map<String, Object> f) {
        JsonArray instructions = api.get("/api/campaigns/" + campaign + "/instructions?limit=5000").getAsJsonArray();
        Set<Long> ids = new HashSet<>();
        Set<String> texts = new HashSet<>();
        for (JsonElement i : instructions) {
            ids.add(i.getAsJsonObject().get("id").getAsLong());
            texts.add(i.getAsJsonObject().get("sourceId").getAsLong() + "|" + i.getAsJsonObject().get("text").getAsString());
        }
        long jobs = done.getAsJsonObject("jobs").entrySet().stream().mapToLong(e -> e.getValue().getAsLong()).sum();
        f.put("campaign_status", done.get("status").getAsString());
        f.put("written", done.get("written").getAsInt());
        f.put("deduplicated", done.get("deduplicated").getAsInt());
        f.put("failed_items", done.get("failedItems").getAsInt());
        f.put("instructions", instructions.size());
        f.put("generate_jobs", jobs);
        f.put("campaign_exact", done.get("status").getAsString().equals("DONE")
                && done.get("written").getAsInt() + done.get("deduplicated").getAsInt() >= expected
                && instructions.size() == done.get("written").getAsInt() && ids.size() == instructions.size()
                && texts.size() == instructions.size() && jobs == instructions.size()
                && done.get("failedItems").getAsInt() == 0);
    }

    private static JsonObject awaitJob(Api api, long job, Predicate<JsonObject> done, Duration timeout) {
        return api.await("/api/admin/jobs/" + job, j -> done.test(j.getAsJsonObject()), timeout).getAsJsonObject();
    }

    private static List<String> awaitNoProcesses(DrillPlatform p, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> left = p.processesLeft();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            pause(250);
            left = p.processesLeft();
        }
        return left;
    }

    private static String healthStatus(DrillPlatform p) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(p.baseUrl + "/actuator/health"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return JsonParser.parseString(r.body()).getAsJsonObject().get("status").getAsString();
        } catch (Exception e) {
            return "NO ANSWER";
        }
    }

    private static HttpResponse<String> upload(DrillPlatform p, String name, byte[] body, boolean declared) throws Exception {
        String auth = "Basic " + Base64.getEncoder().encodeToString(("admin:" + DrillPlatform.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
        HttpRequest.BodyPublisher publisher = declared ? HttpRequest.BodyPublishers.ofByteArray(body)
                : HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body));
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create(p.baseUrl + "/api/sources?name=" + name))
                    .header("Authorization", auth).header("Content-Type", "application/octet-stream")
                    .timeout(Duration.ofMinutes(1)).POST(publisher).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    static String detail(HttpResponse<String> r) {
        try {
            JsonObject o = JsonParser.parseString(r.body()).getAsJsonObject();
            return o.has("detail") ? o.get("detail").getAsString() : r.body();
        } catch (RuntimeException e) {
            return r.body();
        }
    }

    /** Fills the file system under {@code filler} until at most {@code leave} bytes are usable; returns what is. */
    private static long fill(Path filler, long leave) throws IOException {
        byte[] chunk = new byte[1 << 20];
        try (var out = Files.newOutputStream(filler)) {
            while (Files.getFileStore(filler).getUsableSpace() > leave + chunk.length) {
                out.write(chunk);
            }
            long rest = Files.getFileStore(filler).getUsableSpace() - leave;
            if (rest > 0) {
                out.write(chunk, 0, (int) Math.min(rest, chunk.length));
            }
        } catch (IOException e) {
            // the file system is full already: what is usable now is the answer
        }
        return Files.getFileStore(filler).getUsableSpace();
    }

    private static List<String> partFiles(Path blobs) throws IOException {
        try (var files = Files.walk(blobs)) {
            return files.filter(Files::isRegularFile).map(Path::toString).filter(s -> s.endsWith(".part")).toList();
        }
    }

    private static byte[] gunzip(Path gz) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    private static java.util.stream.Stream<JsonObject> stream(JsonElement array) {
        List<JsonObject> list = new ArrayList<>();
        array.getAsJsonArray().forEach(e -> list.add(e.getAsJsonObject()));
        return list.stream();
    }

    private static String commandLine(ProcessHandle h) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + h.pid() + "/cmdline")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
            if (!ok) {
                say(String.join(" ", command) + " failed: " + output.strip());
            }
            return ok;
        } catch (IOException e) {
            say(String.join(" ", command) + " failed: " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until the index holds as many documents as PostgreSQL has samples and no outbox event is pending. */
    static JsonObject awaitIndexCaughtUp(Api api, Duration timeout) {
        return api.await("/api/admin/search/status", s -> {
            JsonObject o = s.getAsJsonObject();
            return o.get("indexedDocuments").getAsLong() == o.get("samplesInDatabase").getAsLong()
                    && o.getAsJsonObject("lag").get("pendingEvents").getAsLong() == 0;
        }, timeout).getAsJsonObject();
    }

    static double awaitSeconds(long since, Duration timeout, java.util.function.BooleanSupplier condition) {
        long deadline = since + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return (System.nanoTime() - since) / 1e9;
            }
            pause(100);
        }
        throw new AssertionError("not within " + timeout);
    }

    static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static void say(String s) {
        System.out.println("drill: " + s);
    }

    private static synchronized void write(Path out, String name, Map<String, Object> figures) throws IOException {
        Files.createDirectories(out);
        Path file = out.resolve("drills.json");
        JsonObject all = Files.exists(file) ? JsonParser.parseString(Files.readString(file)).getAsJsonObject() : new JsonObject();
        var gson = new GsonBuilder().setPrettyPrinting().serializeNulls().create();
        all.add(name, gson.toJsonTree(figures));
        JsonObject sorted = new JsonObject();
        all.keySet().stream().sorted().forEach(k -> sorted.add(k, all.get(k)));
        Files.writeString(file, gson.toJson(sorted) + "\n");
    }

    /**
     * Polls one URL on a thread of its own, recording each answer's status (-1: none within 10 s), latency and,
     * for 503s, whether Retry-After came with it.
     */
    static final class Poller {
        /** {@code healthStatus}: the {@code status} field of a health answer's JSON, if it has one. */
        record Answer(long at, int status, long latencyMs, boolean retryAfter, String body, String healthStatus) {}

        private final String url;
        private final boolean authenticated;
        private final long everyMs;
        private final List<Answer> answers = new CopyOnWriteArrayList<>();
        private volatile boolean running = true;
        private final Thread thread;

        Poller(String baseUrl, String path, boolean authenticated, long everyMs) {
            this.url = baseUrl + path;
            this.authenticated = authenticated;
            this.everyMs = everyMs;
            this.thread = Thread.ofPlatform().daemon().name("poll " + path).unstarted(this::loop);
        }

        Poller start() {
            thread.start();
            return this;
        }

        void once() {
            try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
                ask(http);
            }
            answers.clear();
        }

        private void loop() {
            try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
                while (running) {
                    long t0 = System.nanoTime();
                    ask(http);
                    long left = everyMs - (System.nanoTime() - t0) / 1_000_000;
                    if (left > 0) {
                        try {
                            Thread.sleep(left);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }
        }

        private void ask(HttpClient http) {
            long t0 = System.nanoTime();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
            if (authenticated) {
                request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        ("admin:" + DrillPlatform.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8)));
            }
            try {
                HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                answers.add(new Answer(t0, r.statusCode(), (System.nanoTime() - t0) / 1_000_000,
                        r.headers().firstValue("Retry-After").isPresent(), r.body().length() > 400 ? r.body().substring(0, 400) : r.body(),
                        healthStatusOf(r.body())));
            } catch (IOException e) {
                answers.add(new Answer(t0, -1, (System.nanoTime() - t0) / 1_000_000, false, String.valueOf(e.getMessage()), ""));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }

        int lastStatus() {
            return answers.isEmpty() ? 0 : answers.getLast().status();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(15_000);
        }

        void stopAfter(Duration d) throws InterruptedException {
            Thread.sleep(d); // a few more answers after the recovery, to show they are 200s again
            stop();
        }

        long count(java.util.function.IntPredicate status) {
            return answers.stream().filter(a -> status.test(a.status())).count();
        }

        long maxLatencyMs() {
            return answers.stream().mapToLong(Answer::latencyMs).max().orElse(0);
        }

        boolean all503HaveRetryAfter() {
            return answers.stream().filter(a -> a.status() == 503).allMatch(Answer::retryAfter);
        }

        List<String> bodiesStatuses() {
            return answers.stream().map(Answer::healthStatus).filter(s -> !s.isEmpty()).distinct().toList();
        }

        private static String healthStatusOf(String body) {
            try {
                JsonElement status = JsonParser.parseString(body).getAsJsonObject().get("status");
                return status != null && status.isJsonPrimitive() && status.getAsJsonPrimitive().isString() ? status.getAsString() : "";
            } catch (RuntimeException e) {
                return ""; // not a health body
            }
        }

        /** Counts by status, latency percentiles and one 503's detail, under {@code prefix_*}. */
        void describeOutage(Map<String, Object> f, String prefix) {
            Map<String, Long> byStatus = new LinkedHashMap<>();
            answers.forEach(a -> byStatus.merge(Integer.toString(a.status()), 1L, Long::sum));
            long[] latencies = answers.stream().mapToLong(Answer::latencyMs).sorted().toArray();
            f.put(prefix + "_answers", answers.size());
            f.put(prefix + "_by_status", byStatus);
            f.put(prefix + "_latency_p50_ms", latencies.length == 0 ? 0 : latencies[latencies.length / 2]);
            f.put(prefix + "_latency_max_ms", maxLatencyMs());
            answers.stream().filter(a -> a.status() == 503).findFirst().ifPresent(a -> {
                f.put(prefix + "_503_retry_after", a.retryAfter());
                f.put(prefix + "_503_body", a.body());
            });
        }
    }
}
