package dev.ditto.agent.judge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ditto.protocol.EditSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The judge's labelled set: samples the built-in engine generated on real clips (not the demo corpus), each in a
 * folder of its own with {@code sample.json} (instruction, edit spec, frame indices, the runner's metrics), the frame
 * strips {@code source.jpg} and {@code edited.jpg} (and {@code mask.png} for masked edits) as the runner uploads them,
 * and a person's accept/reject label with a one-line reason in {@code labels.tsv}. See the set's README.
 */
public final class LabelledSet {
    /** Where the set lives in the repository, relative to its root. */
    public static final String REPOSITORY_PATH = "agent/src/test/resources/labelled-set";

    /** One labelled sample. */
    public record Sample(String id, String clip, JudgeInput input, boolean accept, String reason) {
        /** The operator, with the style or grade for whole-frame ops (e.g. {@code style:pixel_art}). */
        public String category() {
            EditSpec e = input.edit();
            Object sub = e.op().equals("style") ? e.params().get("style") : e.op().equals("grade") ? e.params().get("grade") : null;
            return sub == null ? e.op() : e.op() + ":" + sub;
        }
    }

    private LabelledSet() {}

    /** The set from the test classpath ({@code labelled-set/}) or, failing that, from the repository folder. */
    public static Optional<Path> locate() {
        URL url = LabelledSet.class.getClassLoader().getResource("labelled-set/labels.tsv");
        if (url != null && url.getProtocol().equals("file")) {
            try {
                return Optional.of(Path.of(url.toURI()).getParent());
            } catch (URISyntaxException e) {
                // fall through to the repository path
            }
        }
        for (Path p : List.of(Path.of(REPOSITORY_PATH), Path.of("..", REPOSITORY_PATH), Path.of("src/test/resources/labelled-set"))) {
            if (Files.isReadable(p.resolve("labels.tsv"))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Loads every labelled sample of the set in {@code dir}, in the order of {@code labels.tsv}. */
    public static List<Sample> load(Path dir) {
        ObjectMapper json = new ObjectMapper();
        List<Sample> out = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(dir.resolve("labels.tsv"));
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t", 3);
                if (f.length < 3 || !(f[1].equals("accept") || f[1].equals("reject"))) {
                    throw new IllegalArgumentException("labels.tsv: '" + line + "' is not id<TAB>accept|reject<TAB>reason");
                }
                Path sample = dir.resolve(f[0]);
                JsonNode node = json.readTree(sample.resolve("sample.json").toFile());
                EditSpec edit = json.treeToValue(node.get("edit"), EditSpec.class);
                Map<String, Double> metrics = new LinkedHashMap<>();
                node.get("metrics").properties().forEach(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
                List<Integer> frames = new ArrayList<>();
                node.get("frames").forEach(n -> frames.add(n.asInt()));
                byte[] src = Files.readAllBytes(sample.resolve("source.jpg"));
                byte[] edited = Files.readAllBytes(sample.resolve("edited.jpg"));
                byte[] mask = Files.exists(sample.resolve("mask.png")) ? Files.readAllBytes(sample.resolve("mask.png")) : new byte[0];
                List<FramePair> pairs = FramePair.fromSheets(frames, src, edited, mask);
                if (pairs.size() != frames.size()) {
                    throw new IllegalArgumentException(f[0] + ": the frame strips do not split into " + frames.size() + " frames");
                }
                // the key frame is the middle of the clip: the pair nearest it stands in for the key frames
                FramePair key = pairs.get(pairs.size() / 2);
                JudgeInput input = new JudgeInput(f[0], node.get("instruction").asText(), edit, key.source(), key.edited(),
                        metrics, pairs);
                out.add(new Sample(f[0], node.get("clip").asText(), input, f[1].equals("accept"), f[2]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(out);
    }
}
