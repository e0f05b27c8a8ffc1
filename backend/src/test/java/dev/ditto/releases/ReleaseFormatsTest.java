package dev.ditto.releases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseFormatsTest {
    @TempDir Path temp;

    @Test
    void shardsAreTarsThatGnuTarExtractsAndTheSameEntriesGiveTheSameBytes() throws Exception {
        Path a = Files.write(temp.resolve("a.bin"), new byte[] {1, 2, 3});
        Path b = Files.write(temp.resolve("b.bin"), new byte[1000]);
        String longName = "local_replace/" + "d".repeat(90) + "/keyframes/1-0123456789ab.png";
        var first = shard(temp.resolve("one.tar"), a, b, longName);
        var second = shard(temp.resolve("two.tar"), a, b, longName);

        assertThat(first.sha256()).isEqualTo(second.sha256());
        assertThat(first.size()).isEqualTo(Files.size(temp.resolve("one.tar")))
                .isEqualTo(TarShardWriter.entryBytes(3) + TarShardWriter.entryBytes(1000) + 1024);
        Path out = Files.createDirectories(temp.resolve("out"));
        ReleaseFixtures.run(List.of("tar", "-xf", temp.resolve("one.tar").toString(), "-C", out.toString()));
        assertThat(Files.readAllBytes(out.resolve("source/1-abc.mp4"))).containsExactly(1, 2, 3);
        assertThat(Files.size(out.resolve(longName))).isEqualTo(1000);
    }

    private static HashingOutput.FileDigest shard(Path file, Path a, Path b, String longName) throws Exception {
        TarShardWriter w = new TarShardWriter(file);
        w.add("source/1-abc.mp4", () -> Files.newInputStream(a), 3);
        w.add(longName, () -> Files.newInputStream(b), 1000);
        return w.finish();
    }

    @Test
    void csvCellsWithCommasQuotesAndLineBreaksAreQuotedAsPandasReadsThem() throws Exception {
        StringWriter out = new StringWriter();
        DiffSynthCsv csv = new DiffSynthCsv(out, false);
        csv.sample("global_style/1-a.mp4", "source/1-b.mp4", "Make it \"stormy\", with rain", "");
        csv.sample("global_style/2-a.mp4", "source/1-b.mp4", "Plain words", "");

        PandasCsv.Frame frame = PandasCsv.read(out.toString());

        assertThat(frame.columns()).containsExactly("video", "vace_video", "prompt");
        assertThat(frame.column("prompt")).containsExactly("Make it \"stormy\", with rain", "Plain words");
        assertThat(out.toString()).contains("\"Make it \"\"stormy\"\", with rain\"");
    }

    @Test
    void semanticVersionsOrderAsSemverSays() {
        assertThat(SemanticVersion.parse("1.10.0")).isGreaterThan(SemanticVersion.parse("1.9.3"));
        assertThat(SemanticVersion.parse("2.0.0")).isGreaterThan(SemanticVersion.parse("2.0.0-rc.1"));
        assertThatThrownBy(() -> SemanticVersion.parse("v1.0")).hasMessageContaining("MAJOR.MINOR.PATCH");
    }

    @Test
    void sizeCategoriesFollowTheHubsBuckets() {
        assertThat(DatasetCard.sizeCategory(999)).isEqualTo("n<1K");
        assertThat(DatasetCard.sizeCategory(1_000_000)).isEqualTo("1M<n<10M");
    }
}
