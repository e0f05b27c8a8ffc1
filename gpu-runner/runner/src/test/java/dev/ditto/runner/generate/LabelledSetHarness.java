package dev.ditto.runner.generate;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_UNCHANGED;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.ditto.protocol.BlobRef;
import dev.ditto.protocol.EditSpec;
import dev.ditto.protocol.GeneratePayload;
import dev.ditto.protocol.GenerateResult;
import dev.ditto.protocol.VideoFormat;
import dev.ditto.runner.Progress;
import dev.ditto.runner.TestClips.RecordingSink;
import dev.ditto.runner.media.ClipNormaliser;
import dev.ditto.runner.media.TestClips;
import dev.ditto.runner.vision.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import tools.jackson.databind.json.JsonMapper;

/**
 * Makes the judge's labelled set (agent/src/test/resources/labelled-set): the built-in engine run on real clips that
 * are not in the demo corpus (opencv-doc's box, cup, vtest pedestrians and tree), across operators, each sample's
 * frame strips (downscaled to small JPEGs/PNGs), metrics, instruction and edit spec written to a folder of its own.
 * Labels are added by a person afterwards. Run:
 * {@code ./mvnw -pl gpu-runner/runner -am test -Dtest=LabelledSetHarness -Dditto.labelled-set.out=/tmp/labelled}.
 */
@EnabledIfSystemProperty(named = "ditto.labelled-set.out", matches = ".+")
class LabelledSetHarness {
    static final VideoFormat FORMAT = new VideoFormat(416, 240, 33, 10);
    static final Path DATA = Path.of("/usr/share/doc/opencv-doc/examples/data");
    /** Tiles are stored this wide: small files, still enough for the judge's statistics. */
    static final int STORED_TILE_WIDTH = 192;

    record Case(String clip, String instruction, EditSpec edit) {}

    static Case c(String clip, String instruction, String op, Object... params) {
        Map<String, Object> p = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            p.put((String) params[i], params[i + 1]);
        }
        return new Case(clip, instruction, new EditSpec(op, p, 1000 + instruction.length(), instruction));
    }

    static final List<Case> CASES = List.of(
            c("vtest-0", "Turn the street scene into pixel art", "style", "style", "pixel_art"),
            c("box-0", "Make it look like a retro 8-bit video game", "style", "style", "pixel_art"),
            c("cup-0", "Render the clip as a cartoon", "style", "style", "cartoon"),
            c("tree-0", "Make it a pencil sketch", "style", "style", "pencil_sketch"),
            c("vtest-1", "Draw the pedestrians as a pencil sketch", "style", "style", "pencil_sketch"),
            c("box-1", "Paint it like an oil painting", "style", "style", "oil_paint"),
            c("vtest-2", "Turn the plaza into a watercolour", "style", "style", "watercolour"),
            c("cup-1", "Give the edges a neon glow", "style", "style", "edge_glow"),
            c("vtest-0", "Stylize the video like a painting", "style", "style", "stylize"),
            c("box-0", "Redraw it with colour pencils", "style", "style", "colour_pencil"),
            c("tree-0", "Apply a faint pixel art look", "style", "style", "pixel_art", "strength", 0.15),
            c("vtest-1", "Make it black-and-white film noir", "grade", "grade", "noir"),
            c("cup-0", "Give the clip a noir look", "grade", "grade", "noir"),
            c("box-0", "Make it look like night", "grade", "grade", "night"),
            c("tree-0", "Bathe the scene in sunset light", "grade", "grade", "sunset"),
            c("vtest-2", "Make it a cold winter day", "grade", "grade", "winter"),
            c("cup-1", "Give it an old sepia tone", "grade", "grade", "sepia"),
            c("vtest-0", "Cyberpunk neon colour grade", "grade", "grade", "cyberpunk"),
            c("box-1", "Make it look like vintage film", "grade", "grade", "vintage_film"),
            c("vtest-1", "Make it look underwater", "grade", "grade", "underwater"),
            c("cup-0", "Golden hour light", "grade", "grade", "golden_hour"),
            c("tree-0", "Autumn colours", "grade", "grade", "autumn"),
            c("box-0", "A barely noticeable winter tint", "grade", "grade", "winter", "strength", 0.1),
            c("vtest-0", "Blur the background behind the people", "background_blur", "radius", 15),
            c("vtest-1", "Blur everything except the pedestrians", "background_blur", "radius", 25),
            c("cup-0", "Blur the background behind the hand", "background_blur", "radius", 15),
            c("vtest-2", "Soften the background slightly", "background_blur", "radius", 2),
            c("vtest-0", "Replace the background with solid blue", "background_replace", "colour", "#2040ff"),
            c("vtest-1", "Put the people in a night-time background", "background_replace", "grade", "night"),
            c("box-0", "Make the background a watercolour", "background_replace", "style", "watercolour"),
            c("vtest-0", "Dress the people in mustard yellow", "person_recolour", "hue", 50),
            c("vtest-2", "Make the pedestrians' clothes mustard yellow", "person_recolour", "hue", 50),
            c("vtest-1", "Dress the walkers in teal", "person_recolour", "hue", 190),
            c("cup-1", "Turn the hand purple", "person_recolour", "hue", 280),
            c("box-1", "Dress the person in red", "person_recolour", "hue", 0, "strength", 0.3),
            c("vtest-2", "Make the people look like cartoons", "person_stylize", "style", "cartoon"),
            c("vtest-0", "Turn only the people into pixel art", "person_stylize", "style", "pixel_art"),
            c("vtest-0", "Remove the people from the street", "person_remove"),
            c("vtest-1", "Erase the pedestrians", "person_remove"),
            c("vtest-2", "Remove everyone from the plaza", "person_remove"),
            c("box-0", "Remove the person", "person_remove"),
            c("tree-0", "Add falling snow", "add_snowfall", "density", 0.6),
            c("vtest-1", "Make it snow on the pedestrians", "add_snowfall", "density", 0.8),
            c("cup-0", "Add rain", "add_rain", "density", 0.7),
            c("box-1", "Add light rain", "add_rain", "density", 0.2),
            c("tree-0", "Make it snow lightly", "add_snowfall", "density", 0.1),
            c("cup-1", "Blur the background softly", "background_blur", "radius", 8),
            c("box-1", "Make it a winter evening", "grade", "grade", "winter"),
            // object edits (the detector's box) and additions that are not weather
            c("box-0", "Make the box blue", "object_recolour", "object", "box", "hue", 220),
            c("box-1", "Remove the box from the table", "object_remove", "object", "box"),
            c("box-0", "Turn the box into a cartoon", "object_stylize", "object", "box", "style", "cartoon"),
            c("box-1", "Paint the box red", "object_recolour", "object", "box", "hue", 0),
            c("cup-0", "Make the cup bright green", "object_recolour", "object", "cup", "hue", 120),
            c("cup-0", "Add a yellow star sticker on the wall", "add_sticker", "shape", "star"),
            c("vtest-0", "Add a sign that says OPEN", "add_sign", "text", "OPEN"),
            c("tree-0", "Put a heart sticker in the corner", "add_sticker", "shape", "heart", "x", 0.8, "y", 0.2),
            c("vtest-2", "Add a red EXIT sign", "add_sign", "text", "EXIT", "colour", "#c02020"),
            c("cup-1", "Stick a smiley on the wall", "add_sticker", "shape", "smiley"));

    static Path clip(String name, Path dir) throws Exception {
        Path out = dir.resolve(name + ".mp4");
        if (Files.exists(out)) {
            return out;
        }
        String[] parts = name.split("-");
        int part = Integer.parseInt(parts[1]);
        Path in = switch (parts[0]) {
            case "vtest" -> DATA.resolve("vtest.avi");
            case "tree" -> DATA.resolve("tree.avi");
            case "box" -> TestClips.box();
            case "cup" -> TestClips.cup();
            default -> throw new IllegalArgumentException(name);
        };
        double start = switch (parts[0]) {
            case "vtest" -> 5 + 25 * part;
            case "box" -> 1 + 7 * part;
            case "cup" -> 0.5 + 3.5 * part;
            default -> 0;
        };
        ClipNormaliser.normaliseFile(in, out, FORMAT, start);
        return out;
    }

    @Test
    void generate() throws Exception {
        Path out = Files.createDirectories(Path.of(System.getProperty("ditto.labelled-set.out")));
        Path clips = Files.createDirectories(out.resolve("_clips"));
        JsonMapper json = JsonMapper.builder().build();
        try (GenerateEngine engine = new GenerateEngine("labelled-set", TestModels.selfieSegmentation().orElse(null),
                GenerateEngine.DEFAULT_BRISQUE_DIR, dev.ditto.runner.vision.TestModels.objectDetector().orElse(null))) {
            System.out.println("segmentation: " + engine.segmentationEngine());
            for (int i = 0; i < CASES.size(); i++) {
                Case k = CASES.get(i);
                String op = k.edit().op();
                String id = String.format("s%02d-%s-%s", i + 1, k.clip(),
                        op.equals("style") || op.equals("grade") ? String.valueOf(k.edit().params().get(op)) : op);
                Path dir = Files.createDirectories(out.resolve(id));
                if (Files.exists(dir.resolve("sample.json"))) {
                    continue;
                }
                Path work = Files.createDirectories(out.resolve("_work").resolve(id));
                RecordingSink sink = new RecordingSink(work.resolve("blobs"));
                GeneratePayload payload = new GeneratePayload(1, 1, 1, 1, new BlobRef("src", 1, "video/mp4"), k.instruction(),
                        k.edit(), FORMAT);
                long t0 = System.nanoTime();
                GenerateResult r;
                try {
                    r = engine.run(payload, clip(k.clip(), clips), work, sink, Progress.NONE);
                } catch (Exception e) {
                    // refused (e.g. no such object in the clip): nothing to judge, said so
                    System.out.printf("%s refused: %s%n", id, e.getMessage());
                    Files.delete(dir);
                    continue;
                }
                shrink(sink.file("strip-source.jpg"), dir.resolve("source.jpg"), r.frameStrips().frames().size());
                shrink(sink.file("strip-edited.jpg"), dir.resolve("edited.jpg"), r.frameStrips().frames().size());
                if (r.frameStrips().mask() != null) {
                    shrink(sink.file("strip-mask.png"), dir.resolve("mask.png"), r.frameStrips().frames().size());
                }
                Map<String, Object> sample = new LinkedHashMap<>();
                sample.put("id", id);
                sample.put("clip", k.clip());
                sample.put("instruction", k.instruction());
                sample.put("edit", k.edit());
                sample.put("frames", r.frameStrips().frames());
                sample.put("metrics", new java.util.TreeMap<>(r.metrics()));
                Files.writeString(dir.resolve("sample.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(sample));
                System.out.printf("%s done in %.1f s%n", id, (System.nanoTime() - t0) / 1e9);
            }
        }
    }

    private static void shrink(Path in, Path out, int tiles) throws Exception {
        try (Mat m = imread(in.toString(), IMREAD_UNCHANGED); Mat small = new Mat()) {
            int w = STORED_TILE_WIDTH * tiles;
            int h = (int) Math.round(m.rows() * (w / (double) m.cols()));
            resize(m, small, new Size(w, h), 0, 0, INTER_AREA);
            if (out.toString().endsWith(".png")) {
                imwrite(out.toString(), small);
            } else {
                try (IntPointer q = new IntPointer(IMWRITE_JPEG_QUALITY, 82)) {
                    imwrite(out.toString(), small, q);
                }
            }
        }
    }
}
