package dev.ditto.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ditto.jobs.JobQueue;
import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.ClipResult;
import dev.ditto.protocol.JobResult;
import dev.ditto.protocol.JobType;
import dev.ditto.protocol.ProbePayload;
import dev.ditto.protocol.ProbeResult;
import dev.ditto.protocol.Provenance;
import dev.ditto.testing.DittoIntegrationTest;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

@DittoIntegrationTest
class SourceIngestIT {
    private static final Path CUP = Path.of("/usr/share/doc/opencv-doc/opencv4/html/cup.mp4.gz");

    @Autowired SourceService sources;
    @Autowired JdbcClient jdbc;
    @Autowired JobQueue queue;

    @Test
    void aRealClipBecomesASourceWithAQueuedProbeJob() throws Exception {
        IngestResult result;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(CUP))) {
            result = sources.ingest(in, "videos/cup.mp4", SourceService.Origin.UPLOAD, "cup.mp4");
        }

        assertThat(result.duplicate()).isFalse();
        Source source = sources.find(result.sourceId()).orElseThrow();
        assertThat(source.originalName()).isEqualTo("cup.mp4");
        assertThat(source.status()).isEqualTo("PROBING");
        assertThat(source.sizeBytes()).isGreaterThan(1_000_000);
        String payload = jdbc.sql("select payload::text from jobs where source_id = :id and type = 'PROBE'")
                .param("id", result.sourceId()).query(String.class).single();
        assertThat(payload.replace(" ", "")).contains("\"frames\":73").contains("\"width\":832").contains(source.blobKey());
    }

    @Test
    void theSameBytesTwiceGiveTheExistingSourceAndNoSecondJob() throws Exception {
        byte[] bytes;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(CUP))) {
            bytes = in.readAllBytes();
        }
        bytes[bytes.length - 1] ^= 0x5a; // a variant of its own so other tests' ingests don't interfere
        IngestResult first = sources.ingest(new ByteArrayInputStream(bytes), "a.mp4", SourceService.Origin.UPLOAD, null);
        IngestResult second = sources.ingest(new ByteArrayInputStream(bytes), "b.mp4", SourceService.Origin.UPLOAD, null);

        assertThat(second.duplicate()).isTrue();
        assertThat(second.sourceId()).isEqualTo(first.sourceId());
        assertThat(jdbc.sql("select count(*) from jobs where source_id = :id").param("id", first.sourceId())
                .query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void aFileThatIsNotAVideoIsRefusedWithTheReason() {
        byte[] pdf = "%PDF-1.7\n%âãÏÓ\n1 0 obj << /Type /Catalog >> endobj\n".getBytes();
        assertThatThrownBy(() -> sources.ingest(new ByteArrayInputStream(pdf), "report.pdf", SourceService.Origin.UPLOAD, null))
                .isInstanceOf(IngestException.class)
                .hasMessageContaining("report.pdf").hasMessageContaining("not a video");
    }

    @Test
    void anEmptyFileIsRefused() {
        assertThatThrownBy(() -> sources.ingest(new ByteArrayInputStream(new byte[0]), "empty.mp4", SourceService.Origin.UPLOAD, null))
                .isInstanceOf(IngestException.class).hasMessageContaining("empty");
    }

    @Test
    void aProbeResultStoresClipsKeyFramesAndAggregatedScores() throws Exception {
        IngestResult ingested;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(Path.of("/usr/share/doc/opencv-doc/opencv4/html/box.mp4.gz")))) {
            ingested = sources.ingest(in, "box.mp4", SourceService.Origin.UPLOAD, null);
        }
        long runner = jdbc.sql("insert into runners (name, token_hash, token_hint) values ('probe-test', 'h-probe-test', 'h') returning id")
                .query(Long.class).single();
        var assignment = queue.claimNext(runner, List.of(JobType.PROBE)).orElseThrow();
        while (!(assignment.payload() instanceof ProbePayload p && p.sourceId() == ingested.sourceId())) {
            queue.complete(assignment.jobId(), runner, assignment.attempt(), emptyProbe());
            assignment = queue.claimNext(runner, List.of(JobType.PROBE)).orElseThrow();
        }
        BlobRef clip = new BlobRef("a".repeat(64), 1000, "video/mp4");
        BlobRef key = new BlobRef("b".repeat(64), 100, "image/jpeg");
        BlobRef thumb = new BlobRef("c".repeat(64), 10, "image/jpeg");
        JobResult result = new ProbeResult(1, 15.0, 30.0, 640, 480, "h264", List.of(
                new ClipResult(0, 0, 4, clip, key, thumb, Map.of("motion", 2.0, "people", 0.0, "brisque", 30.0), "ff00ff00ff00ff00"),
                new ClipResult(1, 4, 8, clip, key, thumb, Map.of("motion", 4.0, "people", 1.0, "brisque", 40.0), "ff00ff00ff00ff01")),
                List.of("people", "hands"), Map.of(), new Provenance("probe-test", List.of()));

        queue.complete(assignment.jobId(), runner, assignment.attempt(), result);

        Source source = sources.find(ingested.sourceId()).orElseThrow();
        assertThat(source.status()).isEqualTo("READY");
        assertThat(source.clips()).isEqualTo(2);
        assertThat(source.thumbnailKey()).isEqualTo(thumb.key());
        assertThat(source.scores()).containsEntry("motion", 3.0).containsEntry("people", 1.0).containsEntry("brisque", 35.0);
        assertThat(source.tags()).containsExactly("people", "hands");
    }

    private static ProbeResult emptyProbe() {
        return new ProbeResult(1, 1, 1, 16, 16, "x", List.of(), List.of(), Map.of(), new Provenance("t", List.of()));
    }

}
