package dev.ditto.hub;

import dev.ditto.releases.DatasetLayout;
import dev.ditto.releases.PublicationTracker;
import dev.ditto.releases.ReleaseManifest;
import dev.ditto.releases.ReleasePublisher;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import dev.ditto.settings.SettingsService;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Publishes a release to a Hub dataset repository: creates it if missing, asks preupload which files are LFS and
 * which the Hub already holds unchanged (those are skipped: a new version sends only what changed), uploads LFS
 * objects (basic or multipart, skipping objects the Hub has), commits in bounded NDJSON commits (deleting files the
 * previous version listed and this one does not), then tags the last commit {@code v<version>}. Every step is
 * saved, so a cut-off publication resumes without re-sending finished parts.
 */
@Component
@EnableConfigurationProperties(HubProperties.class)
public class HubPublisher implements ReleasePublisher {
    private static final Logger log = LoggerFactory.getLogger(HubPublisher.class);
    static final String REPO_TYPE = "dataset";
    private static final int PREUPLOAD_CHUNK = 256;

    private final ObjectMapper json;
    private final @Nullable SettingsService settings;
    private final HubProperties properties;

    /** With the configuration only (tests, benchmarks). */
    public HubPublisher(HubProperties properties, ObjectMapper json) {
        this(properties, json, null);
    }

    /** The endpoint and token an admin set in Settings win over the configuration, read when a publication starts. */
    @org.springframework.beans.factory.annotation.Autowired
    public HubPublisher(HubProperties properties, ObjectMapper json, @Nullable SettingsService settings) {
        this.properties = properties;
        this.json = json;
        this.settings = settings;
    }

    /**
     * The Hub target now: an admin's endpoint and token from Settings (a token cleared there means none), else
     * {@code ditto.hub.endpoint} and {@code ditto.hub.token} / {@code HF_TOKEN}.
     */
    HubProperties current() {
        if (settings == null) {
            return properties;
        }
        String endpoint = settings.storedValue(HubSettings.HUB_ENDPOINT).filter(v -> !v.isBlank()).orElse(properties.endpoint());
        Optional<String> token = settings.storedValue(HubSettings.HUB_TOKEN);
        return properties.withEndpoint(endpoint).withToken(token.isPresent() ? token.get() : properties.resolvedToken());
    }

    @Override
    public Target target() {
        return Target.HUB;
    }

    @Override
    public String redact(String message) {
        String redacted = message;
        List<HubProperties> targets = new ArrayList<>(List.of(properties));
        try {
            targets.add(current()); // an admin's token too
        } catch (RuntimeException e) {
            // the database is away: no admin token can have been used since it went
        }
        for (HubProperties p : targets) {
            String token = p.resolvedToken();
            redacted = token == null || token.isEmpty() ? redacted : redacted.replace(token, "***");
        }
        return redacted;
    }

    @Override
    public Outcome publish(Job job) throws IOException {
        HubProperties target = current();
        String token = target.resolvedToken();
        if (token == null || token.isBlank()) {
            throw new HubException(0, "no Hugging Face token is configured: set one in Settings (Hugging Face Hub: token), "
                    + "ditto.hub.token or the HF_TOKEN environment variable, with write access");
        }
        HubClient client = new HubClient(target, token, json);
        PublicationTracker tracker = job.tracker();
        HubUploadState state = Optional.ofNullable(tracker.state(HubUploadState.class)).orElseGet(HubUploadState::new);
        String repo = job.destination();
        String revision = properties.revision();
        if (!state.repoReady) {
            boolean created = client.createRepo(REPO_TYPE, repo, properties.privateRepos());
            log.info("Hub dataset {} {}", repo, created ? "created" : "exists");
            state.repoReady = true;
            tracker.saveState(state);
        }
        if (state.plan == null) {
            state.plan = plan(client, job, repo, revision);
            tracker.totals((int) state.plan.stream().filter(f -> !f.delete()).count(),
                    state.plan.stream().filter(f -> !f.delete()).mapToLong(HubUploadState.PlannedFile::size).sum());
            tracker.saveState(state);
        }
        List<List<HubUploadState.PlannedFile>> commits = batches(state.plan);
        for (int i = state.commits.size(); i < commits.size(); i++) {
            List<HubUploadState.PlannedFile> batch = commits.get(i);
            uploadLfs(client, job, repo, revision, batch, state, tracker);
            Path ndjson = Files.createTempFile("hub-commit-", ".ndjson");
            try {
                writeCommit(ndjson, job, batch, i, commits.size(), state.commits.isEmpty() ? null : state.commits.getLast());
                tracker.checkpoint();
                HubClient.Commit commit = client.commit(REPO_TYPE, repo, revision, ndjson);
                state.commits.add(commit.oid());
                state.commitUrl = commit.url();
            } finally {
                Files.deleteIfExists(ndjson);
            }
            long regularBytes = batch.stream().filter(HubUploadState.PlannedFile::regular)
                    .mapToLong(HubUploadState.PlannedFile::size).sum();
            tracker.advance((int) batch.stream().filter(HubUploadState.PlannedFile::regular).count(), regularBytes);
            tracker.saveState(state);
        }
        String head = state.commits.isEmpty()
                ? client.revisionSha(REPO_TYPE, repo, revision).orElseThrow(() -> new HubException(404,
                        "the Hub dataset " + repo + " has no revision " + revision + " to tag"))
                : state.commits.getLast();
        if (!state.tagged) {
            String tag = "v" + job.release().version();
            boolean created = client.tag(REPO_TYPE, repo, head, tag, "Release " + job.release().name() + " "
                    + job.release().version());
            if (!created) {
                log.info("Tag {} exists on {} already; the publication records commit {}", tag, repo, head);
            }
            state.tagged = true;
            tracker.saveState(state);
        }
        String url = state.commitUrl != null && !state.commits.isEmpty() ? state.commitUrl
                : target.endpoint().replaceAll("/+$", "") + "/datasets/" + repo + "/commit/" + head;
        return new Outcome(head, url);
    }

    /** Decides once what to send: files the Hub lacks or holds with other content, and files to delete. */
    private List<HubUploadState.PlannedFile> plan(HubClient client, Job job, String repo, String revision)
            throws IOException {
        List<ReleaseManifest.FileEntry> files = job.manifest().files();
        Map<String, HubClient.PreuploadResult> answers = new LinkedHashMap<>();
        for (int from = 0; from < files.size(); from += PREUPLOAD_CHUNK) {
            List<HubClient.PreuploadFile> chunk = new ArrayList<>();
            for (ReleaseManifest.FileEntry f : files.subList(from, Math.min(files.size(), from + PREUPLOAD_CHUNK))) {
                chunk.add(new HubClient.PreuploadFile(f.path(), sample(job.files(), f.path()), f.size(), f.sha256()));
            }
            client.preupload(REPO_TYPE, repo, revision, chunk).forEach(r -> answers.put(r.path(), r));
        }
        List<HubUploadState.PlannedFile> plan = new ArrayList<>();
        for (ReleaseManifest.FileEntry f : files) {
            HubClient.PreuploadResult answer = answers.get(f.path());
            if (answer == null) {
                throw new HubException(0, "preupload to " + repo + " did not answer for " + f.path());
            }
            // empty files cannot go through LFS (as huggingface_hub does, they are committed as regular files)
            String mode = f.size() == 0 ? "regular" : answer.uploadMode();
            if (answer.shouldIgnore()) {
                continue;
            }
            String localOid = mode.equals("lfs") ? f.sha256() : gitBlobSha1(job.files(), f.path(), f.size());
            if (localOid.equals(answer.remoteOid())) {
                continue;
            }
            plan.add(new HubUploadState.PlannedFile(f.path(), f.size(), f.sha256(), mode));
        }
        Set<String> keep = new HashSet<>();
        files.forEach(f -> keep.add(f.path()));
        for (String stale : previouslyPublished(client, repo, revision)) {
            if (!keep.contains(stale)) {
                plan.add(new HubUploadState.PlannedFile(stale, 0, "", "delete"));
            }
        }
        // shards first, metadata next, the card and the manifest last: a reader never sees a manifest naming
        // files that are not there yet
        plan.sort(Comparator.comparingInt(HubPublisher::rank).thenComparing(HubUploadState.PlannedFile::path));
        return List.copyOf(plan);
    }

    private static int rank(HubUploadState.PlannedFile f) {
        if (f.path().equals(DatasetLayout.MANIFEST)) return 4;
        if (f.path().equals(DatasetLayout.CARD)) return 3;
        if (f.delete()) return 2;
        return f.lfs() ? 0 : 1;
    }

    /** Files the manifest at the Hub's current revision lists (empty for a new repository). */
    private List<String> previouslyPublished(HubClient client, String repo, String revision) throws IOException {
        Optional<byte[]> remote = client.download(REPO_TYPE, repo, revision, DatasetLayout.MANIFEST);
        if (remote.isEmpty()) {
            return List.of();
        }
        Path dir = Files.createTempDirectory("hub-manifest-");
        try {
            Files.write(dir.resolve(DatasetLayout.MANIFEST), remote.get());
            return ReleaseManifest.read(dir, json).files().stream().map(ReleaseManifest.FileEntry::path).toList();
        } catch (RuntimeException e) {
            log.warn("The manifest on {} cannot be read ({}); nothing will be deleted there", repo, e.getMessage());
            return List.of();
        } finally {
            Files.deleteIfExists(dir.resolve(DatasetLayout.MANIFEST));
            Files.deleteIfExists(dir);
        }
    }

    /** Commits of at most {@code commitMaxFiles} operations and {@code commitMaxBytes} of inline content. */
    private List<List<HubUploadState.PlannedFile>> batches(List<HubUploadState.PlannedFile> plan) {
        List<List<HubUploadState.PlannedFile>> batches = new ArrayList<>();
        List<HubUploadState.PlannedFile> current = new ArrayList<>();
        long inline = 0;
        for (HubUploadState.PlannedFile f : plan) {
            long size = f.regular() ? f.size() : 0;
            if (!current.isEmpty() && (current.size() >= properties.commitMaxFiles()
                    || inline + size > properties.commitMaxBytes())) {
                batches.add(current);
                current = new ArrayList<>();
                inline = 0;
            }
            current.add(f);
            inline += size;
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    private void uploadLfs(HubClient client, Job job, String repo, String revision, List<HubUploadState.PlannedFile> batch,
                           HubUploadState state, PublicationTracker tracker) throws IOException {
        Map<String, HubUploadState.PlannedFile> pending = new TreeMap<>();
        for (HubUploadState.PlannedFile f : batch) {
            if (f.lfs() && !state.uploaded.contains(f.sha256())) {
                pending.putIfAbsent(f.sha256(), f);
            }
        }
        if (pending.isEmpty()) {
            return;
        }
        Map<String, Long> objects = new LinkedHashMap<>();
        pending.forEach((oid, f) -> objects.put(oid, f.size()));
        for (HubClient.LfsObject object : client.lfsBatch(REPO_TYPE, repo, revision, objects)) {
            HubUploadState.PlannedFile file = pending.get(object.oid());
            if (file == null) {
                throw new HubException(0, "the LFS batch API answered for an object that was not asked for: " + object.oid());
            }
            tracker.checkpoint();
            if (object.error() != null) {
                throw new HubException(0, "the Hub refused to store " + file.path() + ": " + object.error());
            }
            if (object.upload() != null) {
                // with the S3 store, one file at a time is staged locally for the upload, then deleted
                job.files().withLocalFile(file.path(), local -> {
                    String chunkSize = object.upload().header().get("chunk_size");
                    if (chunkSize != null) {
                        uploadMultipart(client, object.upload(), Long.parseLong(chunkSize), file, local, state, tracker);
                    } else {
                        client.putBasic(object.upload(), local, file.size());
                        tracker.advance(0, file.size());
                    }
                    return null;
                });
                if (object.verify() != null) {
                    client.verify(object.verify(), object.oid(), file.size());
                }
            }
            state.uploaded.add(object.oid());
            state.multipart.remove(object.oid());
            tracker.advance(1, 0);
            tracker.saveState(state);
        }
        for (String oid : pending.keySet()) {
            if (!state.uploaded.contains(oid)) {
                throw new HubException(0, "the LFS batch API did not answer for " + pending.get(oid).path());
            }
        }
    }

    private void uploadMultipart(HubClient client, HubClient.Action upload, long chunkSize, HubUploadState.PlannedFile file,
                                 Path local, HubUploadState state, PublicationTracker tracker) throws IOException {
        TreeMap<Integer, String> urls = new TreeMap<>();
        upload.header().forEach((k, v) -> {
            if (HubClient.isPartNumber(k)) {
                urls.put(Integer.parseInt(k), v);
            }
        });
        long expected = (file.size() + chunkSize - 1) / chunkSize;
        if (chunkSize <= 0 || urls.size() != expected) {
            throw new HubException(0, "invalid multipart answer for " + file.path() + ": " + urls.size()
                    + " part URLs for " + expected + " parts of " + chunkSize + " bytes");
        }
        HubUploadState.Multipart progress = state.multipart.get(file.sha256());
        if (progress == null || !progress.href.equals(upload.href())) {
            // a new upload session on the Hub's side: parts of an older one cannot be completed in it
            progress = new HubUploadState.Multipart();
            progress.href = upload.href();
            state.multipart.put(file.sha256(), progress);
        }
        int index = 0;
        for (Map.Entry<Integer, String> part : urls.entrySet()) {
            int partNumber = ++index;
            if (progress.etags.containsKey(partNumber)) {
                continue;
            }
            long offset = (partNumber - 1) * chunkSize;
            long length = Math.min(chunkSize, file.size() - offset);
            String etag = client.putPart(part.getValue(), local, offset, length, partNumber);
            progress.etags.put(partNumber, etag);
            tracker.advance(0, length);
            tracker.saveState(state);
        }
        List<HubClient.Part> parts = new ArrayList<>();
        progress.etags.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> parts.add(new HubClient.Part(e.getKey(), e.getValue())));
        client.completeMultipart(upload, file.sha256(), parts);
    }

    private void writeCommit(Path ndjson, Job job, List<HubUploadState.PlannedFile> batch, int index, int count,
                             @Nullable String parentCommit) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(ndjson, StandardCharsets.UTF_8)) {
            ObjectNode header = json.createObjectNode();
            ObjectNode value = header.put("key", "header").putObject("value");
            value.put("summary", "Release " + job.release().name() + " " + job.release().version()
                    + (count > 1 ? " (" + (index + 1) + "/" + count + ")" : ""));
            value.put("description", index == count - 1 && job.release().notes() != null ? job.release().notes() : "");
            if (parentCommit != null) {
                value.put("parentCommit", parentCommit);
            }
            line(out, header);
            for (HubUploadState.PlannedFile f : batch) {
                ObjectNode op = json.createObjectNode();
                if (f.regular()) {
                    op.put("key", "file").putObject("value")
                            .put("content", Base64.getEncoder().encodeToString(readAll(job.files(), f.path())))
                            .put("path", f.path())
                            .put("encoding", "base64");
                } else if (f.lfs()) {
                    op.put("key", "lfsFile").putObject("value")
                            .put("path", f.path()).put("algo", "sha256").put("oid", f.sha256()).put("size", f.size());
                } else {
                    op.put("key", "deletedFile").putObject("value").put("path", f.path());
                }
                line(out, op);
            }
        }
    }

    private void line(BufferedWriter out, ObjectNode node) throws IOException {
        out.write(json.writeValueAsString(node));
        out.write('\n');
    }

    private static byte[] sample(dev.ditto.releases.ReleaseFiles files, String path) throws IOException {
        try (InputStream in = files.open(path)) {
            return in.readNBytes(512);
        }
    }

    private static byte[] readAll(dev.ditto.releases.ReleaseFiles files, String path) throws IOException {
        try (InputStream in = files.open(path)) {
            return in.readAllBytes();
        }
    }

    /** The git blob id of a file: sha1 of {@code "blob <size>\0"} and the content, as the Hub reports regular files. */
    static String gitBlobSha1(Path file, long size) throws IOException {
        return gitBlobSha1(dev.ditto.releases.ReleaseFiles.local(file.getParent()), file.getFileName().toString(), size);
    }

    /** {@link #gitBlobSha1(Path, long)} of a release's file, wherever it is stored. */
    static String gitBlobSha1(dev.ditto.releases.ReleaseFiles files, String path, long size) throws IOException {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha1.update(("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = files.open(path)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha1.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha1.digest());
    }
}
