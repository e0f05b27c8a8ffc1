package dev.ditto.curation;

import dev.ditto.settings.ListedSettings;
import dev.ditto.settings.Setting;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/** The review setting an admin may change: the double-review share, which {@link ReviewRules} reads on every use. */
@Component
@Order(60)
public class CurationSettings extends ListedSettings {
    public static final Setting CURATION_OVERLAP_SHARE = Setting.of("curation.overlap-share",
            "Review: share of samples reviewed by two different curators (0–1, e.g. 0.1; a disagreement goes to a lead)",
            Setting.Kind.FRACTION, "0");

    CurationSettings() {
        super("Review", CURATION_OVERLAP_SHARE);
    }
}
