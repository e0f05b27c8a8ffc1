package dev.ditto.curation;

import dev.ditto.agent.judge.Calibration;
import dev.ditto.agent.judge.JudgeThresholds;
import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/admin/judge/calibration?targetPrecision=0.9}: the judge against the curators (agreement, kappa,
 * curves, proposals). {@code POST /api/admin/judge/calibration/apply} with {@code {"use": "best-kappa"}},
 * {@code {"use": "target-precision", "targetPrecision": 0.9}} or explicit {@code {"overallMinimum": 0.5,
 * "minimums": "instruction_following=0.5; preservation=0.3"}}: puts the thresholds in force and re-decides stored
 * verdicts without judging again. Admins only.
 */
@RestController
@RequestMapping("/api/admin/judge/calibration")
@PreAuthorize("hasRole('ADMIN')")
class JudgeCalibrationController {
    private final JudgeCalibrationService calibration;

    JudgeCalibrationController(JudgeCalibrationService calibration) {
        this.calibration = calibration;
    }

    @GetMapping
    Calibration.Report report(@RequestParam(defaultValue = "0.9") double targetPrecision) {
        return calibration.report(targetPrecision);
    }

    /** What to apply: a proposal by name, or explicit thresholds. */
    record ApplyRequest(@Nullable String use, @Nullable Double targetPrecision, @Nullable Double overallMinimum,
                        @Nullable String minimums) {}

    @PostMapping("/apply")
    JudgeCalibrationService.Applied apply(@RequestBody ApplyRequest request) {
        JudgeThresholds thresholds;
        if (request.use() != null) {
            Calibration.Report report = calibration.report(request.targetPrecision() == null ? 0.9 : request.targetPrecision());
            thresholds = switch (request.use()) {
                case "best-kappa" -> report.proposed();
                case "target-precision" -> report.forTargetPrecision();
                default -> throw new IllegalArgumentException("use must be best-kappa or target-precision, not '" + request.use() + "'");
            };
            if (thresholds == null) {
                throw new IllegalStateException("there is no " + request.use() + " proposal: "
                        + (report.why() != null ? report.why() : "no overall minimum reaches precision " + report.targetPrecision()));
            }
        } else if (request.overallMinimum() != null) {
            double overall = request.overallMinimum();
            if (!(overall >= 0 && overall <= 1)) {
                throw new IllegalArgumentException("overallMinimum must be between 0 and 1");
            }
            thresholds = calibration.current().withOverallMinimum(overall)
                    .withMinimums(request.minimums() == null ? "" : request.minimums());
        } else {
            throw new IllegalArgumentException("say which thresholds: {\"use\": \"best-kappa\"}, {\"use\": \"target-precision\", "
                    + "\"targetPrecision\": 0.9} or {\"overallMinimum\": 0.5, \"minimums\": \"instruction_following=0.5\"}");
        }
        return calibration.apply(thresholds);
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badRequest(IllegalArgumentException e) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid calibration request", e.getMessage());
    }

    @ExceptionHandler(IllegalStateException.class)
    ProblemDetail conflict(IllegalStateException e) {
        return problem(HttpStatus.CONFLICT, "No such proposal", e.getMessage());
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setTitle(title);
        p.setType(URI.create("about:blank"));
        return p;
    }
}
