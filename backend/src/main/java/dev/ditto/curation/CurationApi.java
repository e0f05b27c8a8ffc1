package dev.ditto.curation;

import dev.ditto.search.SearchRequest;
import dev.ditto.web.BadParameterException;
import java.net.URI;
import java.security.Principal;
import java.util.List;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The review queue and batch decisions over HTTP, with the dashboard's role rules: viewers read, curators (and admins)
 * decide. Every 4xx is a problem detail ({@link CurationProblems}). See docs/curation-api.md.
 */
@RestController
class CurationApi {
    private final ReviewService reviews;
    private final DecisionBatches batches;
    private final CuratorAgreement agreement;

    CurationApi(ReviewService reviews, DecisionBatches batches, CuratorAgreement agreement) {
        this.reviews = reviews;
        this.batches = batches;
        this.agreement = agreement;
    }

    /** Each curator's agreement with the other curators (double review) and with the judge. */
    @GetMapping("/api/curation/agreement")
    @PreAuthorize("hasAnyRole('VIEWER', 'CURATOR', 'ADMIN')")
    List<CuratorAgreement.Row> agreement() {
        return agreement.perCurator();
    }

    /** Per curator and day: throughput, agreement with other curators (percent, κ), overturns and adjudications. */
    @GetMapping("/api/curation/agreement/over-time")
    @PreAuthorize("hasAnyRole('VIEWER', 'CURATOR', 'ADMIN')")
    List<CuratorAgreement.Day> overTime(@RequestParam(defaultValue = "30") int days) {
        return agreement.overTime(days);
    }

    /** Claims the next sample for the caller (the review queue's lease), or the one they hold; 204 when none is left. */
    @PostMapping("/api/curation/next")
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    ResponseEntity<ReviewItem> next(Principal principal) {
        return reviews.next(principal.getName()).map(ResponseEntity::ok).orElseGet(() -> ResponseEntity.noContent().build());
    }

    /** Body of a decision: ACCEPT, REJECT (with a reason code) or SKIP, and an optional note. */
    record DecisionRequest(@Nullable ReviewDecision decision, @Nullable ReasonCode reason, @Nullable String note) {
        CuratorDecision asDecision() {
            if (decision == null) {
                throw new IllegalArgumentException("'decision' is missing: ACCEPT, REJECT (with a 'reason') or SKIP.");
            }
            return new CuratorDecision(decision, reason, note);
        }
    }

    @PostMapping("/api/curation/samples/{sampleId}/decision")
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    ReviewService.DecisionResult decide(@PathVariable long sampleId, @RequestBody DecisionRequest request, Principal principal) {
        return reviews.decide(principal.getName(), sampleId, request.asDecision());
    }

    /** Undoes the caller's latest decision; the sample comes back (leased to them when it is in review again). */
    @PostMapping("/api/curation/undo")
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    ReviewItem undo(Principal principal) {
        return reviews.undo(principal.getName())
                .orElseThrow(() -> new NoSuchElementException("You have no decision left to undo."));
    }

    /** The query of a batch, and how it matches. */
    record CountRequest(@Nullable SearchRequest query, DecisionBatch.@Nullable Match match) {}

    /** What a batch would act on now: the count to confirm. */
    record Count(long matches, DecisionBatch.Match match) {}

    @PostMapping("/api/curation/batches/count")
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    Count count(@RequestBody CountRequest request) {
        if (request.query() == null) {
            throw new IllegalArgumentException("'query' is missing: give the search to count, as POST /api/search takes it.");
        }
        DecisionBatch.Match match = request.match() == null ? DecisionBatch.Match.WORDS : request.match();
        return new Count(batches.count(request.query(), match), match);
    }

    @PostMapping("/api/curation/batches")
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    ResponseEntity<DecisionBatch> create(@RequestBody NewDecisionBatch request, Principal principal) {
        DecisionBatch batch = batches.create(principal.getName(), request);
        return ResponseEntity.accepted().location(URI.create("/api/curation/batches/" + batch.id())).body(batch);
    }

    @GetMapping("/api/curation/batches")
    @PreAuthorize("hasAnyRole('VIEWER', 'CURATOR', 'ADMIN')")
    List<DecisionBatch> list(@RequestParam(defaultValue = "50") int limit, @RequestParam(defaultValue = "0") int offset) {
        return batches.recent(BadParameterException.nonNegative("limit", limit), BadParameterException.nonNegative("offset", offset));
    }

    @GetMapping("/api/curation/batches/{id}")
    @PreAuthorize("hasAnyRole('VIEWER', 'CURATOR', 'ADMIN')")
    DecisionBatch get(@PathVariable long id) {
        return batches.find(id).orElseThrow(() -> new NoSuchElementException("There is no batch " + id + "."));
    }

    @GetMapping("/api/curation/batches/{id}/skipped")
    @PreAuthorize("hasAnyRole('VIEWER', 'CURATOR', 'ADMIN')")
    List<DecisionBatches.Skipped> skipped(@PathVariable long id, @RequestParam(defaultValue = "100") int limit,
                                          @RequestParam(defaultValue = "0") int offset) {
        get(id);
        return batches.skipped(id, BadParameterException.nonNegative("limit", limit), BadParameterException.nonNegative("offset", offset));
    }

    @PostMapping("/api/curation/batches/{id}/undo")
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    ResponseEntity<DecisionBatch> undoBatch(@PathVariable long id, Principal principal) {
        return ResponseEntity.accepted().body(batches.undo(principal.getName(), id));
    }
}
