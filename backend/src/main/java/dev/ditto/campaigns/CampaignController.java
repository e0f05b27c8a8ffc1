package dev.ditto.campaigns;

import org.springframework.http.ProblemDetail;
import dev.ditto.web.ApiProblems;
import dev.ditto.web.BadParameterException;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/campaigns}: start instruction campaigns (sources by id, by a source search or by a sample search;
 * see {@link CampaignRequest}) and follow them (for automation and the CLI).
 */
@RestController
@RequestMapping("/api/campaigns")
class CampaignController {
    private final CampaignService campaigns;
    private final CampaignAdvisor advisor;
    private final CorpusCoverage coverage;

    CampaignController(CampaignService campaigns, CampaignAdvisor advisor, CorpusCoverage coverage) {
        this.campaigns = campaigns;
        this.advisor = advisor;
        this.coverage = coverage;
    }

    /** What the whole corpus of instructions covers and its gaps (the map's points are on the Coverage page only). */
    @GetMapping("/coverage")
    @PreAuthorize("hasAnyRole('VIEWER','CURATOR','ADMIN')")
    CorpusCoverage.Coverage coverage() {
        return coverage.coverage(0);
    }

    /** How to fill the gaps: instructions per source, how many of the least covered sources, the seed. */
    record FillGaps(@org.jspecify.annotations.Nullable Integer perSource, @org.jspecify.annotations.Nullable Integer sources,
                    @org.jspecify.annotations.Nullable Long seed) {}

    /**
     * Starts a campaign aimed at the gaps: the under-target categories (weighted by their deficit) on the READY
     * sources with the fewest instructions; the gaps are recorded as the campaign's advice.
     */
    @PostMapping("/fill-gaps")
    @PreAuthorize("hasAnyRole('CURATOR','ADMIN')")
    ResponseEntity<Campaign> fillGaps(@RequestBody(required = false) @org.jspecify.annotations.Nullable FillGaps request) {
        FillGaps r = request == null ? new FillGaps(null, null, null) : request;
        long id = campaigns.start(coverage.fillGapsRequest(r.perSource() == null ? 4 : r.perSource(),
                r.sources() == null ? 50 : r.sources(), r.seed() == null ? 0 : r.seed()));
        return ResponseEntity.status(HttpStatus.CREATED).body(campaigns.find(id).orElseThrow());
    }


    /**
     * What the last {@code last} curator decisions suggest for the next campaign: rejection rates per category and
     * operator, a proposed mix (from the default mix) and writer guidance.
     */
    @GetMapping("/advice")
    @PreAuthorize("hasAnyRole('CURATOR','ADMIN')")
    CampaignAdvisor.Advice advice(@RequestParam(defaultValue = "" + CampaignAdvisor.DEFAULT_LAST) int last,
                                  @RequestParam(defaultValue = "" + CampaignAdvisor.DEFAULT_MIN_DECISIONS) int minDecisions) {
        return advisor.advise(null, last, minDecisions);
    }

    @PostMapping
    @PreAuthorize("hasAnyRole('CURATOR','ADMIN')")
    ResponseEntity<Campaign> start(@RequestBody CampaignRequest request) {
        long id = campaigns.start(request);
        return ResponseEntity.status(HttpStatus.CREATED).body(campaigns.find(id).orElseThrow());
    }

    @GetMapping
    @PreAuthorize("hasAnyRole('VIEWER','CURATOR','ADMIN')")
    List<Campaign> list(@RequestParam(defaultValue = "50") int limit) {
        return campaigns.list(Math.min(BadParameterException.nonNegative("limit", limit), 500));
    }

    @GetMapping("/{id}")
    @PreAuthorize("hasAnyRole('VIEWER','CURATOR','ADMIN')")
    ResponseEntity<Campaign> get(@PathVariable long id) {
        return ResponseEntity.of(campaigns.find(id));
    }

    @GetMapping("/{id}/instructions")
    @PreAuthorize("hasAnyRole('VIEWER','CURATOR','ADMIN')")
    List<CampaignService.InstructionRow> instructions(@PathVariable long id, @RequestParam(defaultValue = "200") int limit) {
        return campaigns.instructions(id, Math.min(BadParameterException.nonNegative("limit", limit), 5000));
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> invalid(IllegalArgumentException e) {
        return ApiProblems.problemWithError(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    /** A request the record refused while being read (no name, no sources, …) says why, like any other refusal. */
    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException refused) {
                return invalid(refused);
            }
        }
        return ApiProblems.problemWithError(HttpStatus.BAD_REQUEST, "The campaign request is not valid JSON: "
                + e.getMostSpecificCause().getMessage());
    }
}
