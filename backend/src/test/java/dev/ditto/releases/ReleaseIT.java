package dev.ditto.releases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ditto.blobs.BlobStore;
import dev.ditto.testing.DittoIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.sql.DataSource;
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

    @Autowired JdbcClient jdbc;
    @Autowired BlobStore blobs;
    @Autowired ObjectMapper json;
    @Autowired ReleaseService releases;
    @Autowired DataSource dataSource;
    @Autowired ConfigurableApplicationContext context;
    @LocalServerPort int port;
    @TempDir Path temp;

    ReleaseApi api;
    ReleaseFixtures fixtures;

    @BeforeEach
    void setUp() {
        api = new ReleaseApi(port, json);
        fixtures = new ReleaseFixtures(jdbc, blobs);
        // the tests share a schema: each one releases only the samples it accepts itself
        jdbc.sql("update samples set status = 'REJECTED' where status = 'ACCEPTED'").update();
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
        Path videos = temp.resolve("dataset/videos");
        Files.createDirectories(videos);
        try (Stream<Path> tars = Files.walk(dir.resolve("videos"))) {
            for (Path tar : tars.filter(p -> p.toString().endsWith(".tar")).toList()) {
                ReleaseFixtures.run(List.of("tar", "-xf", tar.toString(), "-C", videos.toString()));
            }
        }

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
        runRealPandasIfInstalled(dir, videos);

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
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> configs = (List<Map<String, Object>>) front.get("configs");
        for (Map<String, Object> config : configs) {
            @SuppressWarnings("unchecked")
            var files = (List<Map<String, String>>) config.get("data_files");
            assertThat(dir.resolve(files.getFirst().get("path"))).isRegularFile();
        }
        JsonNode stats = json.readTree(dir.resolve("stats.json").toFile());
        assertThat(stats.path("samples").asInt()).isEqualTo(4);
        assertThat(stats.path("sourceClips").asInt()).isEqualTo(2);
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
        // what a server killed mid-publish leaves: RUNNING rows; one is orphaned, another server still runs the other
        long orphaned = runningPublication(id, folder.toString());
        long elsewhere = runningPublication(id, temp.resolve("elsewhere").toString());

        try (Connection otherServer = dataSource.getConnection()) {
            lockPublication(otherServer, "pg_advisory_lock", elsewhere);

            context.publishEvent(new ApplicationReadyEvent(new SpringApplication(), new String[0], context, Duration.ZERO));

            JsonNode done = api.awaitPublication(orphaned);
            assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("DONE");
            Path dir = releases.directory(releases.get(id));
            for (JsonNode f : json.readTree(dir.resolve("manifest.json").toFile()).path("files")) {
                assertThat(Files.mismatch(dir.resolve(f.path("path").asString()), folder.resolve(f.path("path").asString())))
                        .isEqualTo(-1L);
            }
            Thread.sleep(500);
            assertThat(api.get("/api/publications/" + elsewhere).json().path("state").asString()).isEqualTo("RUNNING");
            lockPublication(otherServer, "pg_advisory_unlock", elsewhere);
        }
        jdbc.sql("update publications set state = 'CANCELLED' where id = :id").param("id", elsewhere).update();
    }

    private long runningPublication(long releaseId, String destination) {
        return jdbc.sql("""
                insert into publications (release_id, target, destination, state, created_at, started_at)
                values (:r, 'FOLDER', :d, 'RUNNING', now(), now()) returning id""")
                .param("r", releaseId).param("d", destination).query(Long.class).single();
    }

    private static void lockPublication(Connection connection, String function, long publicationId) throws Exception {
        try (var st = connection.prepareStatement(
                "select " + function + "(hashtext(current_schema() || '.publications'), ?)")) {
            st.setInt(1, Math.toIntExact(publicationId));
            st.executeQuery().close();
        }
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

    private static void runRealPandasIfInstalled(Path dir, Path videos) throws Exception {
        Process probe = new ProcessBuilder("python3", "-c", "import pandas").redirectErrorStream(true).start();
        if (probe.waitFor() != 0) {
            return; // pandas is not installed here; the Java reader above applies its rules
        }
        String script = """
                import os, sys, pandas
                df = pandas.read_csv(sys.argv[1])
                assert list(df.columns[:3]) == ['video', 'vace_video', 'prompt'], df.columns
                assert df['prompt'].map(lambda p: isinstance(p, str)).all(), df['prompt']
                for c in ['video', 'vace_video']:
                    for p in df[c]:
                        assert os.path.isfile(os.path.join(sys.argv[2], p)), p
                """;
        ReleaseFixtures.run(List.of("python3", "-c", script, dir.resolve("csvs_for_DiffSynth/ditto-mini.csv").toString(),
                videos.toString()));
    }
}
