package dev.ditto.releases;

import dev.ditto.agent.Category;
import dev.ditto.settings.ListedSettings;
import dev.ditto.settings.Setting;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/** The sim2real rule of releases an admin may change; {@link ReleaseService#sim2realRule()} reads it for every build. */
@Component
@Order(50)
public class ReleaseSettings extends ListedSettings {
    public static final Setting RELEASE_SIM2REAL_CATEGORIES = Setting.of("releases.sim2real-categories",
            "Releases: edit categories whose samples the sim2real option reverses (comma-separated, e.g. global_style)",
            Setting.Kind.CATEGORIES, Sim2Real.DEFAULT_CATEGORIES, ReleaseSettings::categories);
    public static final Setting RELEASE_SIM2REAL_PROMPT = Setting.of("releases.sim2real-prompt",
            "Releases: instruction of a sim2real (stylised → real) pair", Setting.Kind.TEXT, Sim2Real.DEFAULT_PROMPT);

    ReleaseSettings() {
        super("Releases", RELEASE_SIM2REAL_CATEGORIES, RELEASE_SIM2REAL_PROMPT);
    }

    /** Edit categories by their enum names, sorted, each once. */
    private static String categories(String label, String value) {
        List<String> names = new ArrayList<>();
        for (String c : Sim2Real.parseCategories(value)) {
            names.add(Category.parse(c).map(Enum::name).orElseThrow(() -> new IllegalArgumentException(
                    label + ": '" + c + "' is not an edit category; use "
                            + Arrays.stream(Category.values()).map(Category::wireName).collect(Collectors.joining(", ")) + ".")));
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException(label + " needs at least one edit category.");
        }
        return String.join(",", names.stream().distinct().sorted().toList());
    }
}
