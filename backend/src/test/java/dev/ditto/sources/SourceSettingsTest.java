package dev.ditto.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ingest's settings laid over {@code ditto.sources.*}, and the checks only ingest knows. */
class SourceSettingsTest {
    private static final SourceProperties CONFIGURED = new SourceProperties(2048, 832, 480, 73, 20, 4, 8);

    @Test
    void storedValuesAreLaidOverTheConfiguredRecord() {
        SourceProperties sources = SourceSettings.overlay(CONFIGURED, Map.of("sources.frames", "49", "sources.fps", "16"));

        assertThat(sources.format().frames()).isEqualTo(49);
        assertThat(sources.format().fps()).isEqualTo(16);
        assertThat(sources.width()).isEqualTo(832);
        assertThatThrownBy(() -> SourceSettings.overlay(CONFIGURED, Map.of("sources.frames", "72")))
                .as("a stored format that is no valid combination is not applied").hasMessageContaining("4n+1");
    }

    @Test
    void aFormatPartIsCheckedWithTheOtherPartsInForce() {
        SourceSettings settings = new SourceSettings(CONFIGURED, null);
        Map<String, String> inForce = Map.of("sources.width", "832", "sources.height", "480", "sources.frames", "73", "sources.fps", "20");

        assertThatThrownBy(() -> settings.checkTogether(SourceSettings.FORMAT_WIDTH, "830", s -> inForce.get(s.key())))
                .hasMessageStartingWith("The normalisation format would be invalid: ").hasMessageContaining("multiples of 16");
        settings.checkTogether(SourceSettings.FORMAT_FRAMES, "49", s -> inForce.get(s.key()));
        settings.checkTogether(SourceSettings.MAX_UPLOAD_MB, "1", s -> {
            throw new AssertionError("the upload limit is not part of the format");
        });
    }

    @Test
    void theNearDuplicateDistanceIsBoundedByWhatTheBandIndexAnswers() {
        assertThat(SourceSettings.FILTER_NEAR_DUPLICATE_DISTANCE.validate(" 6 ")).isEqualTo("6");
        assertThat(SourceSettings.FILTER_NEAR_DUPLICATE_DISTANCE.validate("")).isEmpty();
        assertThatThrownBy(() -> SourceSettings.FILTER_NEAR_DUPLICATE_DISTANCE.validate("40"))
                .hasMessageEndingWith("must be between 0 and 12 bits, or empty for off.");
    }
}
