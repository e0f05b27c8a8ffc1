package dev.ditto.runner.probe;

import dev.ditto.protocol.Provenance;
import dev.ditto.runner.models.ModelFile;
import dev.ditto.runner.vision.ObjectDetector;
import dev.ditto.runner.models.ModelStore;
import dev.ditto.runner.models.ScoreProvenance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bytedeco.opencv.global.opencv_core;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detectors PROBE scores clips with, loaded once per runner from the {@link ModelStore}. A detector whose model
 * is missing or fails to load is left out: its score is absent and the provenance says why.
 */
public final class ProbeDetectors implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProbeDetectors.class);
    static final String DJL_VERSION = "djl 0.38.0 / onnxruntime 1.21.1";

    private final @Nullable PersonDetector people;
    private final @Nullable FaceCounter faces;
    private final @Nullable TextDetector text;
    private @Nullable ObjectDetector objects;
    private final @Nullable BrisqueScorer brisque;
    private final List<Provenance.Stage> provenance;

    private ProbeDetectors(@Nullable PersonDetector people, @Nullable FaceCounter faces, @Nullable TextDetector text,
                           @Nullable BrisqueScorer brisque, List<Provenance.Stage> provenance) {
        this.people = people;
        this.faces = faces;
        this.text = text;
        this.brisque = brisque;
        this.provenance = List.copyOf(provenance);
    }

    /** Loads every detector whose model the store holds. */
    public static ProbeDetectors load(ModelStore store) {
        String opencv = openCvVersion();
        List<Provenance.Stage> stages = new ArrayList<>();

        PersonDetector people = null;
        Optional<Path> selfie = store.find(ModelFile.SELFIE_SEGMENTATION);
        if (selfie.isPresent()) {
            try {
                people = new PersonDetector(selfie.get());
                stages.add(ScoreProvenance.produced("people", "opencv-dnn", ModelFile.SELFIE_SEGMENTATION.fileName()
                        + " (" + ModelFile.SELFIE_SEGMENTATION.source() + ")", opencv));
            } catch (RuntimeException e) {
                stages.add(failed("people", ModelFile.SELFIE_SEGMENTATION, e));
            }
        } else {
            stages.add(ScoreProvenance.absent("people", store.missingReason(ModelFile.SELFIE_SEGMENTATION)));
        }

        FaceCounter faces = null;
        Optional<Path> blazeFace = store.find(ModelFile.FACE_DETECTION_SHORT);
        if (blazeFace.isPresent()) {
            try {
                faces = new BlazeFaceCounter(blazeFace.get());
                stages.add(ScoreProvenance.produced("faces", "opencv-dnn", ModelFile.FACE_DETECTION_SHORT.fileName()
                        + " (BlazeFace, " + ModelFile.FACE_DETECTION_SHORT.source() + ")", opencv));
            } catch (RuntimeException e) {
                stages.add(failed("faces", ModelFile.FACE_DETECTION_SHORT, e));
            }
        }
        if (faces == null) {
            Optional<Path> haar = store.find(ModelFile.HAAR_FRONTAL_FACE);
            if (haar.isPresent()) {
                faces = new HaarFaceCounter(haar.get());
                stages.removeIf(s -> s.stage().equals("faces"));
                stages.add(ScoreProvenance.produced("faces", "opencv-haar-fallback",
                        ModelFile.HAAR_FRONTAL_FACE.fileName() + " (fallback: BlazeFace model not available; "
                                + "frontal faces only, less accurate)", opencv));
            } else if (stages.stream().noneMatch(s -> s.stage().equals("faces"))) {
                stages.add(ScoreProvenance.absent("faces", store.missingReason(ModelFile.FACE_DETECTION_SHORT)));
            }
        }

        TextDetector text = null;
        Optional<Path> det = store.find(ModelFile.PPOCR_V4_DET);
        if (det.isPresent()) {
            try {
                text = new TextDetector(det.get());
                stages.add(ScoreProvenance.produced("text_overlay", "djl-onnxruntime", ModelFile.PPOCR_V4_DET.fileName()
                        + " (PP-OCRv4 DB detector, " + ModelFile.PPOCR_V4_DET.source() + ")", DJL_VERSION));
            } catch (Exception | UnsatisfiedLinkError e) {
                stages.add(failed("text_overlay", ModelFile.PPOCR_V4_DET, e));
            }
        } else {
            stages.add(ScoreProvenance.absent("text_overlay", store.missingReason(ModelFile.PPOCR_V4_DET)));
        }

        BrisqueScorer brisque = null;
        Optional<Path> model = store.find(ModelFile.BRISQUE_MODEL);
        Optional<Path> range = store.find(ModelFile.BRISQUE_RANGE);
        if (model.isPresent() && range.isPresent()) {
            brisque = new BrisqueScorer(model.get(), range.get());
            stages.add(ScoreProvenance.produced("brisque", "opencv-quality", model.get() + " + " + range.get(), opencv));
        } else {
            stages.add(ScoreProvenance.absent("brisque", store.missingReason(
                    model.isPresent() ? ModelFile.BRISQUE_RANGE : ModelFile.BRISQUE_MODEL)));
        }

        stages.add(ScoreProvenance.produced("motion", MotionScorer.ENGINE, MotionScorer.MODEL, opencv));
        stages.add(ScoreProvenance.produced("phash", "builtin", "dct-phash-64 (32x32 grey, 8x8 low frequencies)", "1"));
        stages.add(ScoreProvenance.produced("colours", "builtin", "hsv-hue-bands", "1"));
        for (Provenance.Stage s : stages) {
            log.info("PROBE score {}: {} {} {}", s.stage(), s.engine(), s.model(), s.version());
        }
        ObjectDetector objects = null;
        Optional<Path> objectModel = store.find(ModelFile.OBJECT_DETECTION_OIDV4);
        if (objectModel.isPresent()) {
            try {
                objects = new ObjectDetector(objectModel.get());
                stages.add(ScoreProvenance.produced("objects", "opencv-dnn", ModelFile.OBJECT_DETECTION_OIDV4.fileName()
                        + " (SSD MobileNetV2, Open Images subset, " + ModelFile.OBJECT_DETECTION_OIDV4.source() + ")", opencv));
            } catch (RuntimeException e) {
                stages.add(failed("objects", ModelFile.OBJECT_DETECTION_OIDV4, e));
            }
        } else {
            stages.add(ScoreProvenance.absent("objects", store.missingReason(ModelFile.OBJECT_DETECTION_OIDV4)));
        }
        for (Provenance.Stage s : stages.subList(stages.size() - 1, stages.size())) {
            log.info("PROBE score {}: {} {} {}", s.stage(), s.engine(), s.model(), s.version());
        }
        ProbeDetectors loaded = new ProbeDetectors(people, faces, text, brisque, stages);
        loaded.objects = objects;
        return loaded;
    }

    /** "opencv 4.13.0", for provenance. */
    static String openCvVersion() {
        return "opencv " + opencv_core.getVersionString().getString().replace("\0", "").strip();
    }

    private static Provenance.Stage failed(String stage, ModelFile model, Throwable e) {
        log.warn("Could not load {} for {}: {}", model.fileName(), stage, e.toString());
        return ScoreProvenance.absent(stage, model.fileName() + " failed to load: " + e.getMessage());
    }

    /** Which engine and model produce each score, or why a score is absent. */
    public List<Provenance.Stage> provenance() {
        return provenance;
    }

    @Nullable PersonDetector people() {
        return people;
    }

    @Nullable FaceCounter faces() {
        return faces;
    }

    @Nullable TextDetector text() {
        return text;
    }

    /** The common-object detector, or null when its model is missing (provenance says why). */
    @Nullable ObjectDetector objects() {
        return objects;
    }

    @Nullable BrisqueScorer brisque() {
        return brisque;
    }

    @Override
    public void close() {
        if (people != null) {
            people.close();
        }
        if (faces != null) {
            faces.close();
        }
        if (text != null) {
            text.close();
        }
        if (objects != null) {
            objects.close();
        }
    }
}
