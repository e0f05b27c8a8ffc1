package dev.ditto.runner.models;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Finds model files: first in the models directory ({@code --models-dir}, else {@code $DITTO_MODELS}, else
 * {@code ~/.cache/ditto/models}; filled by {@code gpu-runner/fetch-models.sh}), then where a system package puts them.
 */
public final class ModelStore {
    private final Path directory;

    public ModelStore(Path directory) {
        this.directory = directory;
    }

    /** The store at {@code explicit} if given, else {@code $DITTO_MODELS}, else {@code ~/.cache/ditto/models}. */
    public static ModelStore locate(@Nullable Path explicit, Map<String, String> environment) {
        if (explicit != null) {
            return new ModelStore(explicit);
        }
        String fromEnv = environment.get("DITTO_MODELS");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new ModelStore(Path.of(fromEnv));
        }
        return new ModelStore(Path.of(System.getProperty("user.home"), ".cache", "ditto", "models"));
    }

    /** The directory searched first. */
    public Path directory() {
        return directory;
    }

    /** The file if present in the models directory (or a sub-folder named after its package) or a system path. */
    public Optional<Path> find(ModelFile model) {
        for (Path candidate : candidates(model)) {
            if (Files.isRegularFile(candidate) && Files.isReadable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Why a model is missing, for the provenance of the score it would have produced. */
    public String missingReason(ModelFile model) {
        return "model file " + model.fileName() + " not found in " + directory
                + (model.systemPaths().isEmpty() ? "" : " nor " + model.systemPaths())
                + "; run gpu-runner/fetch-models.sh " + directory + " (source " + model.source() + ")";
    }

    private List<Path> candidates(ModelFile model) {
        List<Path> paths = new ArrayList<>();
        paths.add(directory.resolve(model.fileName()));
        paths.add(directory.resolve("assets").resolve(model.fileName()));
        for (String system : model.systemPaths()) {
            paths.add(Path.of(system));
        }
        return paths;
    }
}
