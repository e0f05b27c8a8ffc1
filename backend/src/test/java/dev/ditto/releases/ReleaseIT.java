package dev.ditto.releases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ditto.blobs.BlobStore;
import dev.ditto.testing.DittoIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

@DittoIntegrationTest
@TestPropertySource(properties = "ditto.releases.shard-max-bytes=160000")
class ReleaseIT {
    private static final String TRICKY = "Make the sky \"stormy\", with lightning, rain and dark clouds";
    private static final List<String> CRITERIA = List.of("safety", "instruction_following", "preservation",
            "visual_quality", "temporal_consistency");

    @Autowired JdbcClient jdbc;
    @Autowired BlobStore blobs;
    @Autowired ObjectMapper json;
    @Autowired ReleaseService releases;
    @Autowired ConfigurableApplicationContext context;
    @LocalServerPort int port;
    @TempDir Path temp;

    ReleaseApi api;
    ReleaseFixtures fixtures;

    @BeforeEach
    void setUp() {
        api = new ReleaseApi(port, json);
        fixtures = new ReleaseFixtures(jdbc, blobs).releasingOnlyNewSamples();
    }

    @Test
    void buildsADatasetThatDiffSynthStudioReads() throws Exception {
        long clipA = fixtures.clip(73);
        long clipB = fixtures.clip(73);
        fixtures.sample(clipA, "GLOBAL_STYLE", "Turn the scene into a watercolour painting", 0.91);
        fixtures.sample(clipA, "GLOBAL_STYLE", TRICKY, 0.84);
        fixtures.sample(clipB, "LOCAL_REPLACE", "Replace the car with a red bicycle", 0.77);
        fixtures.sample(clipB, "BACKGROUND", "None of the trees remain; show a desert instead", 0.8);

        var response = api.post("/api/releases", Map.of("name", "ditto-mini", "version", "1.0.0"));

        assertThat(response.status()).as(response.body()).isEqualTo(201);
        JsonNode release = response.json();
        assertThat(release.path("state").asString()).isEqualTo("BUILT");
        assertThat(release.path("sampleCount").asInt()).isEqualTo(4);
        assertThat(release.path("counts").path("GLOBAL_STYLE").asInt()).isEqualTo(2);
        Path dir = releases.directory(releases.get(release.path("id").asLong()));

        // every file the manifest lists is there with its size and sha256
        JsonNode manifest = json.readTree(dir.resolve("manifest.json").toFile());
        for (JsonNode f : manifest.path("files")) {
            Path file = dir.resolve(f.path("path").asString());
            assertThat(Files.size(file)).as(f.path("path").asString()).isEqualTo(f.path("size").asLong());
            assertThat(ReleaseManifest.sha256(file)).isEqualTo(f.path("sha256").asString());
        }
        assertThat(manifest.path("shards").size()).isGreaterThanOrEqualTo(3);

        // extract every shard inside videos/, as a user does
        Path videos = extractShards(dir);

        // the CSV, read with pandas.read_csv semantics
        String csvText = Files.readString(dir.resolve("csvs_for_DiffSynth/ditto-mini.csv"), StandardCharsets.UTF_8);
        PandasCsv.Frame frame = PandasCsv.read(csvText);
        assertThat(frame.columns()).containsExactly("video", "vace_video", "prompt", "vace_reference_image");
        assertThat(frame.numeric().get("prompt")).isFalse();
        assertThat(frame.column("prompt")).doesNotContainNull()
                .contains(TRICKY, "None of the trees remain; show a desert instead");
        for (String column : List.of("video", "vace_video", "vace_reference_image")) {
            for (String path : frame.column(column)) {
                assertThat(videos.resolve(path)).as(column + " " + path).isRegularFile();
            }
        }
        for (String video : concat(frame.column("video"), frame.column("vace_video"))) {
            String probe = ReleaseFixtures.run(List.of("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
                    "-show_entries", "stream=nb_read_frames,width,height", "-of", "csv=p=0", videos.resolve(video).toString()));
            String[] v = probe.strip().split(",");
            assertThat(Integer.parseInt(v[0]) % 16).isZero();
            assertThat(Integer.parseInt(v[1]) % 16).isZero();
            assertThat(Integer.parseInt(v[2]) % 4).as("frames of " + video).isEqualTo(1);
        }
        runRealPandas(dir.resolve("csvs_for_DiffSynth/ditto-mini.csv"), videos);

        // training metadata records name the same files
        JsonNode records = json.readTree(dir.resolve("training_metadata/ditto-mini.json").toFile());
        assertThat(records.size()).isEqualTo(4);
        for (JsonNode r : records) {
            assertThat(videos.resolve(r.path("source_path").asString())).isRegularFile();
            assertThat(videos.resolve(r.path("edited_path").asString())).isRegularFile();
            assertThat(r.path("provenance").path("instruction_engine").asString()).isEqualTo("builtin-grammar");
        }

        // the dataset card's front matter is valid YAML with what the Hub reads
        String card = Files.readString(dir.resolve("README.md"));
        assertThat(card).startsWith("---\n");
        Map<String, Object> front = new Yaml().load(card.substring(4, card.indexOf("\n---\n", 4)));
        assertThat(front).containsKeys("license", "task_categories", "size_categories", "configs");
        assertThat(front.get("size_categories")).isEqualTo(List.of("n<1K"));
        assertThat(cardConfigs(dir)).extracting(c -> c.get("config_name")).containsExactly("default", "training_metadata");
        JsonNode stats = json.readTree(dir.resolve("stats.json").toFile());
        assertThat(stats.path("samples").asInt()).isEqualTo(4);
        assertThat(stats.path("sourceClips").asInt()).isEqualTo(2);
    }

    @Test
    void theSim2RealOptionShipsTheReversePairsOfStyleEditsOverTheSameShards() throws Exception {
        long clipA = fixtures.clip(73);
        long clipB = fixtures.clip(73);
        long watercolour = fixtures.sample(clipA, "GLOBAL_STYLE", "Turn the scene into a watercolour painting", 0.91);
        long stormy = fixtures.sample(clipB, "GLOBAL_STYLE", TRICKY, 0.84);
        fixtures.sample(clipB, "LOCAL_REPLACE", "Replace the car with a red bicycle", 0.77);

        var response = api.post("/api/releases", Map.of("name", "ditto-s2r", "version", "1.0.0", "sim2real", true));

        assertThat(response.status()).as(response.body()).isEqualTo(201);
        JsonNode release = response.json();
        assertThat(release.path("sampleCount").asInt()).isEqualTo(3);
        assertThat(release.path("sim2real").path("pairs").asInt()).isEqualTo(2);
        assertThat(release.path("sim2real").path("categories").get(0).asString()).isEqualTo("GLOBAL_STYLE");
        assertThat(release.path("sim2real").path("prompt").asString()).isEqualTo(Sim2Real.DEFAULT_PROMPT);
        Path dir = releases.directory(releases.get(release.path("id").asLong()));
        Path videos = extractShards(dir);

        // DiffSynth-Studio's loader reads both CSVs alike: every path it names exists in the extracted shards
        PandasCsv.Frame forward = PandasCsv.read(Files.readString(dir.resolve("csvs_for_DiffSynth/ditto-s2r.csv")));
        PandasCsv.Frame reverse = PandasCsv.read(Files.readString(dir.resolve("csvs_for_DiffSynth/ditto-s2r_sim2real.csv")));
        assertThat(reverse.columns()).containsExactly("video", "vace_video", "prompt");
        assertThat(reverse.numeric().get("prompt")).isFalse();
        assertThat(reverse.column("prompt")).containsOnly(Sim2Real.DEFAULT_PROMPT).hasSize(2);
        for (PandasCsv.Frame frame : List.of(forward, reverse)) {
            for (String column : List.of("video", "vace_video")) {
                for (String path : frame.column(column)) {
                    assertThat(videos.resolve(path)).as(column + " " + path).isRegularFile();
                }
            }
        }
        // each reverse pair is a forward style pair turned around: the stylised video conditions, the source is the target
        Map<String, String> forwardStyle = new HashMap<>();
        for (int i = 0; i < forward.column("video").size(); i++) {
            if (forward.column("video").get(i).startsWith("global_style/")) {
                forwardStyle.put(forward.column("video").get(i), forward.column("vace_video").get(i));
            }
        }
        Map<String, String> reversed = new HashMap<>();
        for (int i = 0; i < reverse.column("video").size(); i++) {
            reversed.put(reverse.column("vace_video").get(i), reverse.column("video").get(i));
        }
        assertThat(reversed).isEqualTo(forwardStyle).hasSize(2);
        runRealPandas(dir.resolve("csvs_for_DiffSynth/ditto-s2r_sim2real.csv"), videos);

        // the metadata records are shaped as the forward ones, paths swapped
        JsonNode records = json.readTree(dir.resolve("training_metadata/ditto-s2r_sim2real.json").toFile());
        assertThat(records.size()).isEqualTo(2);
        Set<Long> ids = new TreeSet<>();
        for (JsonNode r : records) {
            ids.add(r.path("sample_id").asLong());
            assertThat(r.path("direction").asString()).isEqualTo("sim2real");
            assertThat(r.path("instruction").asString()).isEqualTo(Sim2Real.DEFAULT_PROMPT);
            assertThat(r.path("source_path").asString()).startsWith("global_style/");
            assertThat(r.path("edited_path").asString()).startsWith("source/");
            assertThat(r.path("shard").asString()).startsWith("videos/source/");
            assertThat(r.path("condition_shard").asString()).startsWith("videos/global_style/");
            assertThat(r.path("forward_instruction").asString()).isNotBlank();
        }
        assertThat(ids).containsExactly(watercolour, stormy);

        // no video is stored twice: the shard entries are the forward pairs' and the sources', once each
        JsonNode manifest = json.readTree(dir.resolve("manifest.json").toFile());
        long entries = 0;
        for (JsonNode s : manifest.path("shards")) {
            entries += s.path("entries").asLong();
        }
        assertThat(entries).as("3 edited videos + 3 key frames + 2 source clips").isEqualTo(8);
        Set<String> listed = new TreeSet<>();
        manifest.path("files").forEach(f -> listed.add(f.path("path").asString()));
        assertThat(listed).contains("csvs_for_DiffSynth/ditto-s2r_sim2real.csv", "training_metadata/ditto-s2r_sim2real.json");

        // the dataset card lists both configs, and every config's file is there
        List<Map<String, Object>> configs = cardConfigs(dir);
        assertThat(configs).extracting(c -> c.get("config_name"))
                .containsExactly("default", "training_metadata", "sim2real", "sim2real_metadata");
        assertThat(Files.readString(dir.resolve("README.md"))).contains("| sim2real pairs | 2 |");
        assertThat(api.get("/api/releases/" + release.path("id").asLong()).json().path("release").path("sim2real")
                .path("pairs").asInt()).isEqualTo(2);
    }

    @Test
    void theSim2RealRuleIsASettingAndASelectionWithoutEligibleSamplesIsRefused() throws Exception {
        long clip = fixtures.clip(73);
        fixtures.sample(clip, "LOCAL_REPLACE", "Replace the car with a blue van", 0.8);
        fixtures.sample(clip, "BACKGROUND", "Show a snowy mountain behind the street", 0.8);

        var refused = api.post("/api/releases", Map.of("name", "ditto-s2r-rule", "version", "1.0.0", "sim2real", true));

        assertThat(refused.status()).as(refused.body()).isEqualTo(422);
        assertThat(refused.json().path("detail").asString()).contains("sim2real").contains("GLOBAL_STYLE")
                .contains("releases.sim2real-categories");
        assertThat(api.put("/api/admin/settings/releases.sim2real-categories", Map.of("value", "crayons")).status())
                .isEqualTo(400);
        try {
            var set = api.put("/api/admin/settings/releases.sim2real-categories", Map.of("value", "background, global_style"));
            assertThat(set.status()).as(set.body()).isEqualTo(200);
            api.put("/api/admin/settings/releases.sim2real-prompt", Map.of("value", "Make it real again"));

            var built = api.post("/api/releases", Map.of("name", "ditto-s2r-rule", "version", "1.0.1", "sim2real", true));

            assertThat(built.status()).as(built.body()).isEqualTo(201);
            assertThat(built.json().path("sim2real").path("pairs").asInt()).isEqualTo(1);
            Path dir = releases.directory(releases.get(built.json().path("id").asLong()));
            PandasCsv.Frame reverse = PandasCsv.read(Files.readString(dir.resolve("csvs_for_DiffSynth/ditto-s2r-rule_sim2real.csv")));
            assertThat(reverse.column("prompt")).containsExactly("Make it real again");
            assertThat(reverse.column("vace_video").getFirst()).startsWith("background/");
        } finally {
            api.delete("/api/admin/settings/releases.sim2real-categories");
            api.delete("/api/admin/settings/releases.sim2real-prompt");
        }

        var plain = api.post("/api/releases", Map.of("name", "ditto-s2r-rule", "version", "1.0.2"));
        assertThat(plain.json().path("sim2real").isNull()).isTrue();
        Path dir = releases.directory(releases.get(plain.json().path("id").asLong()));
        assertThat(dir.resolve("csvs_for_DiffSynth/ditto-s2r-rule_sim2real.csv")).doesNotExist();
        assertThat(cardConfigs(dir)).hasSize(2);
    }

    private Path extractShards(Path dir) throws Exception {
        Path videos = Files.createDirectories(temp.resolve(dir.getFileName() + "-" + System.nanoTime() + "/videos"));
        try (Stream<Path> tars = Files.walk(dir.resolve("videos"))) {
            for (Path tar : tars.filter(p -> p.toString().endsWith(".tar")).toList()) {
                ReleaseFixtures.run(List.of("tar", "-xf", tar.toString(), "-C", videos.toString()));
            }
        }
        return videos;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> cardConfigs(Path dir) throws Exception {
        String card = Files.readString(dir.resolve("README.md"));
        Map<String, Object> front = new Yaml().load(card.substring(4, card.indexOf("\n---\n", 4)));
        List<Map<String, Object>> configs = (List<Map<String, Object>>) front.get("configs");
        for (Map<String, Object> config : configs) {
            var files = (List<Map<String, String>>) config.get("data_files");
            assertThat(dir.resolve(files.getFirst().get("path"))).as(String.valueOf(config.get("config_name"))).isRegularFile();
        }
        return configs;
    }

    @Test
    void aNewVersionAddsShardsOnlyForNewSamplesAndDiffsRowByRow() throws Exception {
        long clip = fixtures.clip(73);
        long kept = fixtures.sample(clip, "GLOBAL_STYLE", "Make it look like an oil painting", 0.9);
        long reworded = fixtures.sample(clip, "GLOBAL_STYLE", "Make it snow", 0.8);
        long removed = fixtures.sample(clip, "LOCAL_ADD", "Add a hot-air balloon in the sky", 0.7);
        var v1 = api.post("/api/releases", Map.of("name", "ditto-diff", "version", "1.0.0")).json();
        Path v1Dir = releases.directory(releases.get(v1.path("id").asLong()));

        fixtures.reject(removed);
        fixtures.reword(reworded, "Make it snow heavily");
        long added = fixtures.sample(clip, "LOCAL_ADD", "Add a red kite in the sky", 0.75);
        var response = api.post("/api/releases", Map.of("name", "ditto-diff", "version", "1.1.0", "notes", "More kites."));

        assertThat(response.status()).as(response.body()).isEqualTo(201);
        JsonNode diff = response.json().path("diff");
        assertThat(diff.path("previousVersion").asString()).isEqualTo("1.0.0");
        assertThat(diff.path("added").asInt()).isEqualTo(1);
        assertThat(diff.path("removed").asInt()).isEqualTo(1);
        assertThat(diff.path("changed").asInt()).isEqualTo(1);
        assertThat(diff.path("addedIds").get(0).asLong()).isEqualTo(added);
        assertThat(diff.path("removedIds").get(0).asLong()).isEqualTo(removed);
        assertThat(diff.path("changes").get(0).path("sampleId").asLong()).isEqualTo(reworded);
        assertThat(diff.path("changes").get(0).path("fields").get(0).asString()).isEqualTo("instruction");
        assertThat(response.json().path("notes").asString()).startsWith("More kites.").contains("1 added, 1 removed, 1 changed");

        Path v2Dir = releases.directory(releases.get(response.json().path("id").asLong()));
        assertThat(Files.readString(v2Dir.resolve("README.md"))).as("the notes given at build reach the dataset card")
                .contains("## Release notes\n\nMore kites.").contains("1 added, 1 removed, 1 changed");
        Map<String, String> v1Shards = shards(v1Dir);
        Map<String, String> v2Shards = shards(v2Dir);
        Set<String> newShards = new TreeSet<>(v2Shards.keySet());
        newShards.removeAll(v1Shards.keySet());
        assertThat(newShards).hasSize(1).allMatch(p -> p.startsWith("videos/local_add/"));
        v1Shards.forEach((path, sha) -> {
            if (v2Shards.containsKey(path)) {
                assertThat(v2Shards.get(path)).as("shard " + path + " is immutable").isEqualTo(sha);
            }
        });
        JsonNode manifest = json.readTree(v2Dir.resolve("manifest.json").toFile());
        assertThat(manifest.path("removed_samples").get(0).path("sample_id").asLong()).isEqualTo(removed);
        JsonNode newShard = null;
        for (JsonNode s : manifest.path("shards")) {
            if (newShards.contains(s.path("path").asString())) newShard = s;
        }
        assertThat(newShard).isNotNull();
        assertThat(newShard.path("samples").get(0).asLong()).isEqualTo(added);
        assertThat(kept).isPositive();

        // the same comparison against any release, paged and as CSV: here v1.1.0 against v1.0.0, a page of 2 rows
        long v1Id = v1.path("id").asLong();
        long v2Id = response.json().path("id").asLong();
        JsonNode page = api.get("/api/releases/" + v2Id + "/diff?against=" + v1Id + "&limit=2").json();
        assertThat(page.path("against").asString()).isEqualTo("ditto-diff 1.0.0");
        assertThat(page.path("added").asLong() + page.path("removed").asLong() + page.path("changed").asLong()).isEqualTo(3);
        assertThat(page.path("rows")).hasSize(2);
        JsonNode rest = api.get("/api/releases/" + v2Id + "/diff?against=" + v1Id + "&limit=2&offset=2").json();
        assertThat(rest.path("rows")).hasSize(1);
        List<Long> paged = new ArrayList<>();
        page.path("rows").forEach(r -> paged.add(r.path("sampleId").asLong()));
        rest.path("rows").forEach(r -> paged.add(r.path("sampleId").asLong()));
        assertThat(paged).containsExactlyInAnyOrder(added, removed, reworded).isSorted();
        var csv = api.get("/api/releases/" + v2Id + "/diff.csv?against=" + v1Id);
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.body().lines().toList()).hasSize(4).first().isEqualTo("sample_id,change,fields");
        assertThat(csv.body()).contains(added + ",added,", removed + ",removed,", reworded + ",changed,instruction");
        // and turned round: what v1.1.0 added, v1.0.0 lacks
        assertThat(api.get("/api/releases/" + v1Id + "/diff.csv?against=" + v2Id).body()).contains(added + ",removed,");
        assertThat(api.get("/api/releases/" + v1Id + "/diff?against=" + v1Id).status()).isEqualTo(422);
        assertThat(api.get("/api/releases/" + v1Id + "/diff?against=987654").status()).isEqualTo(404);
    }

    @Test
    void refusesClipsWhoseFrameCountIsNot4nPlus1() throws Exception {
        long bad = fixtures.clip(75);
        long sample = fixtures.sample(bad, "GLOBAL_STYLE", "Make it sepia", 0.9);

        var response = api.post("/api/releases", Map.of("name", "ditto-bad-frames", "version", "1.0.0"));

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json().path("detail").asString()).contains("sample " + sample).contains("75 frames")
                .contains("832x480 with 73 frames");
        assertThat(jdbc.sql("select state from releases where name = 'ditto-bad-frames'").query(String.class).single())
                .isEqualTo("FAILED");
    }

    @Test
    void refusesPromptsPandasReadsAsMissingOrNumeric() throws Exception {
        long clip = fixtures.clip(73);
        long na = fixtures.sample(clip, "GLOBAL_STYLE", "N/A", 0.9);
        long number = fixtures.sample(clip, "GLOBAL_STYLE", "1e5", 0.9);

        var response = api.post("/api/releases", Map.of("name", "ditto-bad-prompts", "version", "1.0.0"));

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json().path("detail").asString()).contains("sample " + na).contains("sample " + number)
                .contains("missing value").contains("number");
    }

    @Test
    void versionsOnlyGoUpAndAPublishedReleaseIsNotEdited() throws Exception {
        long clip = fixtures.clip(73);
        fixtures.sample(clip, "GLOBAL_STYLE", "Make it look like a pencil sketch", 0.9);
        long id = api.post("/api/releases", Map.of("name", "ditto-folder", "version", "2.0.0")).json().path("id").asLong();
        assertThat(api.post("/api/releases", Map.of("name", "ditto-folder", "version", "1.9.0")).status()).isEqualTo(409);
        assertThat(api.post("/api/releases", Map.of("name", "ditto-folder", "version", "two")).status()).isEqualTo(422);

        Path folder = temp.resolve("published");
        var started = api.post("/api/releases/" + id + "/publish", Map.of("target", "folder", "destination", folder.toString()));
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        JsonNode done = api.awaitPublication(started.json().path("id").asLong());

        assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("DONE");
        assertThat(done.path("filesDone").asInt()).isEqualTo(done.path("filesTotal").asInt());
        Path dir = releases.directory(releases.get(id));
        for (JsonNode f : json.readTree(dir.resolve("manifest.json").toFile()).path("files")) {
            assertThat(Files.mismatch(dir.resolve(f.path("path").asString()), folder.resolve(f.path("path").asString())))
                    .isEqualTo(-1L);
        }
        assertThat(api.get("/api/releases/" + id).json().path("release").path("state").asString()).isEqualTo("PUBLISHED");
        var edit = api.patch("/api/releases/" + id, Map.of("notes", "rewritten"));
        assertThat(edit.status()).isEqualTo(409);
        assertThat(edit.json().path("detail").asString()).contains("published");
        assertThat(jdbc.sql("select count(*) from audit_log where action = 'release.publish'").query(Long.class).single())
                .isPositive();
    }

    @Test
    void aReleasedSampleCannotBeDeletedAndAFailedReleaseTakesItsRowsAlong() throws Exception {
        long clip = fixtures.clip(73);
        long shipped = fixtures.sample(clip, "GLOBAL_STYLE", "Make it look like a charcoal drawing", 0.9);
        long id = api.post("/api/releases", Map.of("name", "ditto-keep", "version", "1.0.0")).json().path("id").asLong();

        assertThatThrownBy(() -> jdbc.sql("delete from samples where id = :id").param("id", shipped).update())
                .hasMessageContaining("sample " + shipped + " is part of a release");

        jdbc.sql("update releases set state = 'FAILED' where id = :id").param("id", id).update();
        jdbc.sql("update release_samples set edited_shard_id = null, source_shard_id = null where release_id = :id")
                .param("id", id).update();
        jdbc.sql("delete from release_shards where first_release_id = :id").param("id", id).update();
        jdbc.sql("delete from releases where id = :id").param("id", id).update();
        assertThat(jdbc.sql("select count(*) from release_samples where release_id = :id").param("id", id)
                .query(Long.class).single()).isZero();
    }

    @Test
    void publicationsAStoppedServerLeftRunningResumeWhenTheServerStarts() throws Exception {
        long clip = fixtures.clip(73);
        fixtures.sample(clip, "GLOBAL_STYLE", "Make it look like a woodcut print", 0.9);
        long id = api.post("/api/releases", Map.of("name", "ditto-restart", "version", "1.0.0")).json().path("id").asLong();
        Path folder = temp.resolve("after-restart");
        // what a server killed mid-publish leaves: RUNNING rows; one's lease ran out, another server still renews the other's
        long orphaned = runningPublication(id, folder.toString(), "now() - interval '1 second'");
        long elsewhere = runningPublication(id, temp.resolve("elsewhere").toString(), "now() + interval '1 hour'");

        context.publishEvent(new ApplicationReadyEvent(new SpringApplication(), new String[0], context, Duration.ZERO));

        JsonNode done = api.awaitPublication(orphaned);
        assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("DONE");
        Path dir = releases.directory(releases.get(id));
        for (JsonNode f : json.readTree(dir.resolve("manifest.json").toFile()).path("files")) {
            assertThat(Files.mismatch(dir.resolve(f.path("path").asString()), folder.resolve(f.path("path").asString())))
                    .isEqualTo(-1L);
        }
        // the publication whose lease the other server still holds is left to it
        assertThat(api.get("/api/publications/" + elsewhere).json().path("state").asString()).isEqualTo("RUNNING");
        assertThat(jdbc.sql("select lease_owner from publications where id = :id").param("id", elsewhere)
                .query(String.class).single()).isEqualTo("other-server");
        jdbc.sql("update publications set state = 'CANCELLED' where id = :id").param("id", elsewhere).update();
    }

    private long runningPublication(long releaseId, String destination, String leaseUntil) {
        return jdbc.sql("""
                insert into publications (release_id, target, destination, state, created_at, started_at, lease_owner,
                                          lease_until)
                values (:r, 'FOLDER', :d, 'RUNNING', now(), now(), 'other-server', %s) returning id""".formatted(leaseUntil))
                .param("r", releaseId).param("d", destination).query(Long.class).single();
    }

    @Test
    void writesNeedAnAdminAndReadsNeedASignIn() throws Exception {
        var anonymous = new ReleaseApi(port, json, "admin", "wrong-password");
        assertThat(anonymous.get("/api/releases").status()).isEqualTo(401);
        assertThat(anonymous.post("/api/releases", Map.of("name", "x", "version", "1.0.0")).status()).isEqualTo(401);
        assertThat(api.get("/api/releases").status()).isEqualTo(200);
    }

    private Map<String, String> shards(Path dir) throws Exception {
        Map<String, String> result = new HashMap<>();
        for (JsonNode s : json.readTree(dir.resolve("manifest.json").toFile()).path("shards")) {
            result.put(s.path("path").asString(), s.path("sha256").asString());
        }
        return result;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** Debian's Python, where python3-pandas installs (a python3 earlier on the PATH, pyenv's say, may lack it). */
    static final String PYTHON = java.nio.file.Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

    /** DiffSynth-Studio's loader's first step on a CSV: pandas.read_csv, string prompts, files under the base path. */
    private static void runRealPandas(Path csv, Path videos) throws Exception {
        Process probe = new ProcessBuilder(PYTHON, "-c", "import pandas").redirectErrorStream(true).start();
        // a missing pandas fails the test (./ditto test installs python3-pandas): a skipped check proves nothing
        assertThat(probe.waitFor()).as("python3 with pandas is needed to read the CSV as DiffSynth-Studio does;"
                + " install Debian's python3-pandas (./ditto test does)").isZero();
        String script = """
                import os, sys, pandas
                df = pandas.read_csv(sys.argv[1])
                assert list(df.columns[:3]) == ['video', 'vace_video', 'prompt'], df.columns
                assert df['prompt'].map(lambda p: isinstance(p, str)).all(), df['prompt']
                for c in ['video', 'vace_video']:
                    for p in df[c]:
                        assert os.path.isfile(os.path.join(sys.argv[2], p)), p
                """;
        ReleaseFixtures.run(List.of(PYTHON, "-c", script, csv.toString(), videos.toString()));
    }

    // the quality report, against the samples' stored judge scores and metrics, recomputed here

    @Test
    void theReportsNumbersAreTheStoredMetricsOfTheShippedSamplesAndTheDecisionsOfTheSelection() throws Exception {
        long clip = fixtures.clip(73);
        List<Long> ids = new ArrayList<>();
        double[][] style = {{0.91, 1.10, 0.62, 0.31}, {0.72, 0.95, 0.70, 0.22}, {0.55, 1.40, 0.51, 0.40},
                {0.83, 1.02, 0.66, 0.28}, {0.64, 1.25, 0.58, 0.35}};
        for (int i = 0; i < style.length; i++) {
            ids.add(fixtures.sample(clip, "GLOBAL_STYLE", "Make it look like painting number " + (i + 1), style[i][0],
                    metrics(style[i], i == 0), verdict(style[i][0], i)));
        }
        double[][] local = {{0.77, 1.05, 0.81, 0.12}, {0.61, 0.98, 0.86, 0.09}};
        for (int i = 0; i < local.length; i++) {
            ids.add(fixtures.sample(clip, "LOCAL_REPLACE", "Replace the car with bicycle number " + (i + 1), local[i][0],
                    metrics(local[i], false), verdict(local[i][0], i + 7)));
        }
        // decided but not shipped: two curator rejections and a judge rejection
        long flicker = fixtures.sample(clip, "GLOBAL_STYLE", "Make it flicker like an old film", 0.4);
        fixtures.decide(flicker, "REJECTED", "FLICKER");
        long flicker2 = fixtures.sample(clip, "LOCAL_REPLACE", "Replace the car with a tram", 0.45);
        fixtures.decide(flicker2, "REJECTED", "FLICKER");
        long judged = fixtures.sample(clip, "GLOBAL_STYLE", "Make it look like a mosaic", 0.2);
        fixtures.decide(judged, "AUTO_REJECTED", "judge: preservation 0.10 < 0.30");
        ids.addAll(List.of(flicker, flicker2, judged));

        var response = api.post("/api/releases", Map.of("name", "ditto-quality", "version", "1.0.0",
                "selection", Map.of("sampleIds", ids)));

        assertThat(response.status()).as(response.body()).isEqualTo(201);
        long releaseId = response.json().path("id").asLong();
        Path dir = releases.directory(releases.get(releaseId));
        JsonNode file = json.readTree(dir.resolve("quality_report.json").toFile());
        JsonNode api1 = api.get("/api/releases/" + releaseId).json().path("release").path("quality");
        assertThat(api1).isEqualTo(file);
        // read back from jsonb, the maps keep the report's order
        assertThat(List.copyOf(api1.path("overall").path("metrics").propertyNames()))
                .containsExactly("warp_error", "edge_ssim", "edit_strength", "clip_t", "clip_f");
        assertThat(List.copyOf(api1.path("overall").path("judge").propertyNames()))
                .containsExactly("overall", "safety", "instruction_following", "preservation", "visual_quality",
                        "temporal_consistency");

        // recompute every distribution from what the samples store
        Map<String, Map<String, List<Double>>> values = storedValues(releaseId);
        assertThat(values.keySet()).containsExactly("", "global_style", "local_replace");
        for (var group : values.entrySet()) {
            JsonNode g = group.getKey().isEmpty() ? file.path("overall") : file.path("categories").path(group.getKey());
            for (var measure : group.getValue().entrySet()) {
                String name = measure.getKey();
                JsonNode d = name.startsWith("judge.") ? g.path("judge").path(name.substring(6))
                        : g.path("metrics").path(name.substring(8));
                List<Double> v = measure.getValue().stream().sorted().toList();
                String what = group.getKey() + " " + name;
                assertThat(d.path("n").asLong()).as(what).isEqualTo(v.size());
                assertThat(d.path("mean").asDouble()).as(what)
                        .isCloseTo(v.stream().mapToDouble(Double::doubleValue).average().orElseThrow(), within(1e-9));
                assertThat(d.path("min").asDouble()).as(what).isCloseTo(v.getFirst(), within(1e-9));
                assertThat(d.path("max").asDouble()).as(what).isCloseTo(v.getLast(), within(1e-9));
                for (double q : QualityReport.QUANTILES) {
                    assertThat(d.path("quantiles").path(QualityReport.key(q)).asDouble()).as(what + " " + q)
                            .isCloseTo(quantile(v, q), within(1e-9));
                }
            }
        }
        assertThat(file.path("overall").path("samples").asInt()).isEqualTo(7);
        assertThat(file.path("overall").path("metrics").path("clip_t").path("n").asInt()).isEqualTo(1);
        assertThat(file.path("categories").path("local_replace").path("metrics").has("clip_t")).isFalse();
        // one sample's verdict has no scores: the criteria count six of seven
        assertThat(file.path("overall").path("judge").path("preservation").path("n").asInt()).isEqualTo(6);
        assertThat(file.path("overall").path("judge").path("overall").path("n").asInt()).isEqualTo(7);

        // decisions: 7 of 10 accepted; FLICKER twice, the judge once
        JsonNode decisions = file.path("overall").path("decisions");
        assertThat(decisions.path("decided").asInt()).isEqualTo(10);
        assertThat(decisions.path("accepted").asInt()).isEqualTo(7);
        assertThat(decisions.path("autoRejected").asInt()).isEqualTo(1);
        assertThat(decisions.path("acceptanceRate").asDouble()).isCloseTo(0.7, within(1e-9));
        assertThat(decisions.path("rejectionReasons").path("FLICKER").asInt()).isEqualTo(2);
        assertThat(decisions.path("rejectionReasons").path("judge").asInt()).isEqualTo(1);
        JsonNode styleDecisions = file.path("categories").path("global_style").path("decisions");
        assertThat(styleDecisions.path("acceptanceRate").asDouble()).isCloseTo(5 / 7.0, within(1e-9));
        assertThat(styleDecisions.path("rejectionReasons").path("FLICKER").asInt()).isEqualTo(1);

        // the card shows the same numbers, and lists the report among the files
        String card = Files.readString(dir.resolve("README.md"));
        double warpMean = file.path("overall").path("metrics").path("warp_error").path("mean").asDouble();
        assertThat(card).contains("## Quality").contains("`quality_report.json`")
                .contains("| warp_error | 7 | " + String.format(Locale.ROOT, "%.3f", warpMean) + " |")
                .contains("Acceptance: 7 of 10 decided samples (70.0%).")
                .contains("| FLICKER | 2 |")
                .contains("| category | shipped | acceptance | judge overall | warp_error | edge_ssim | edit_strength |"
                        + " clip_t | clip_f |");

        // the next version's diff compares its report with this one's
        long added = fixtures.sample(clip, "GLOBAL_STYLE", "Make it look like a pastel drawing", 0.99,
                metrics(new double[] {0.99, 3.0, 0.2, 0.9}, false), verdict(0.99, 3));
        ids.add(added);
        var v2 = api.post("/api/releases", Map.of("name", "ditto-quality", "version", "1.1.0",
                "selection", Map.of("sampleIds", ids)));
        assertThat(v2.status()).as(v2.body()).isEqualTo(201);
        JsonNode warp = null;
        for (JsonNode c : v2.json().path("diff").path("quality")) {
            if (c.path("group").asString().equals("all") && c.path("measure").asString().equals("metrics.warp_error")) {
                warp = c;
            }
        }
        assertThat(warp).isNotNull();
        assertThat(warp.path("previous").asDouble()).isCloseTo(warpMean, within(1e-9));
        assertThat(warp.path("current").asDouble()).isCloseTo(v2.json().path("quality").path("overall").path("metrics")
                .path("warp_error").path("mean").asDouble(), within(1e-9)).isGreaterThan(warpMean);
        assertThat(Files.readString(releases.directory(releases.get(v2.json().path("id").asLong())).resolve("README.md")))
                .contains("Since 1.0.0 (all samples):").contains("| metrics.warp_error | "
                        + String.format(Locale.ROOT, "%.3f", warpMean) + " | ");
    }

    private static String metrics(double[] v, boolean clip) {
        return "{\"warp_error\": " + v[1] + ", \"edge_ssim\": " + v[2] + ", \"edit_strength\": " + v[3]
                + ", \"brisque\": 40" + (clip ? ", \"clip_t\": 0.31, \"clip_f\": 0.97" : "") + "}";
    }

    /** A judge verdict whose criteria vary with {@code seed}; seed 4 has no scores (a judge that failed). */
    private static String verdict(double overall, int seed) {
        if (seed == 4) {
            return "{\"error\": \"judge timed out\"}";
        }
        StringBuilder scores = new StringBuilder();
        for (int i = 0; i < CRITERIA.size(); i++) {
            double score = Math.round(((overall + 0.07 * ((seed * 3 + i * 5) % 7) - 0.2) % 1.0) * 1000) / 1000.0;
            // the judge writes {"score": x, "reason": …}; older verdicts hold the number itself
            scores.append(i == 0 ? "" : ", ").append('"').append(CRITERIA.get(i)).append("\": ")
                    .append(seed % 2 == 0 ? "{\"score\": " + score + ", \"reason\": \"r\"}" : String.valueOf(score));
        }
        return "{\"scores\": {" + scores + "}, \"overall\": " + overall + ", \"decision\": \"ACCEPT\"}";
    }

    /** Per group ("" = all) and measure ("judge.x", "metrics.y"), the values the shipped samples store. */
    private Map<String, Map<String, List<Double>>> storedValues(long releaseId) {
        Map<String, Map<String, List<Double>>> out = new TreeMap<>();
        jdbc.sql("""
                select r.category, r.judge_score, s.metrics::text, s.verdict::text
                from release_samples r join samples s on s.id = r.sample_id where r.release_id = :id""")
                .param("id", releaseId).query(rs -> {
                    Map<String, Double> m = new HashMap<>();
                    m.put("judge.overall", (double) rs.getFloat(2));
                    JsonNode scores = json.readTree(rs.getString(4)).path("scores");
                    for (String c : CRITERIA) {
                        JsonNode v = scores.path(c);
                        if (v.isNumber()) m.put("judge." + c, v.asDouble());
                        if (v.path("score").isNumber()) m.put("judge." + c, v.path("score").asDouble());
                    }
                    JsonNode metrics = json.readTree(rs.getString(3));
                    for (String k : QualityReport.METRICS) {
                        if (metrics.path(k).isNumber()) m.put("metrics." + k, metrics.path(k).asDouble());
                    }
                    for (String group : List.of("", DatasetLayout.categoryDir(rs.getString(1)))) {
                        m.forEach((k, v) -> out.computeIfAbsent(group, g -> new TreeMap<>())
                                .computeIfAbsent(k, x -> new ArrayList<>()).add(v));
                    }
                });
        return out;
    }

    /** Linear interpolation between closest ranks (numpy's default, PostgreSQL's percentile_cont). */
    private static double quantile(List<Double> sorted, double q) {
        double pos = q * (sorted.size() - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.size() - 1);
        return sorted.get(lo) + (pos - lo) * (sorted.get(hi) - sorted.get(lo));
    }
}
