package dev.ditto.curation;

import dev.ditto.web.BadParameterException;
import java.net.URI;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Team review over HTTP (see docs/curation-api.md): leads, queue assignments, adjudication of disagreements and review
 * of reviews. Viewers read; a lead (an admin, or a curator an admin marked as lead) assigns, adjudicates and
 * re-checks; only admins name leads. The caller's lead standing is checked before the body is. Errors are problem
 * details ({@link CurationProblems}).
 */
@RestController
class TeamReviewApi {
    private final TeamReview team;

    TeamReviewApi(TeamReview team) {
        this.team = team;
    }

    @GetMapping("/api/curation/leads")
    @PreAuthorize("hasAnyRole('VIEWER', 'CURATOR', 'ADMIN')")
    List<TeamReview.Lead> leads() {
        return team.leads();
    }

    record LeadChange(@Nullable Boolean lead) {}

    @PutMapping("/api/curation/leads/{username}")
    @PreAuthorize("hasRole('ADMIN')")
    TeamReview.Lead setLead(@PathVariable String username, @RequestBody LeadChange request) {
        if (request.lead() == null) {
            throw new IllegalArgumentException("'lead' is missing: true to make " + username + " a lead, false to stop.");
        }
        return team.setLead(username, request.lead());
    }

    @GetMapping("/api/curation/assignments")
    @PreAuthorize("hasAnyRole('VIEWER', 'CURATOR', 'ADMIN')")
    List<TeamReview.Assignment> assignments() {
        return team.assignments();
    }

    /** Body of an assignment: the curator, and a campaign id or a category. */
    record NewAssignment(@Nullable String assignee, @Nullable Long campaignId, @Nullable String category) {}

    @PostMapping("/api/curation/assignments")
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    ResponseEntity<TeamReview.Assignment> assign(@RequestBody NewAssignment request, Principal principal) {
        lead(principal, "assign review queues");
        TeamReview.Assignment a = team.assign(principal.getName(), request.assignee(), request.campaignId(), request.category());
        return ResponseEntity.created(URI.create("/api/curation/assignments/" + a.id())).body(a);
    }

    @DeleteMapping("/api/curation/assignments/{id}")
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    ResponseEntity<Void> unassign(@PathVariable long id, Principal principal) {
        lead(principal, "remove assignments");
        team.unassign(principal.getName(), id);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/api/curation/adjudications")
    @PreAuthorize("hasAnyRole('VIEWER', 'CURATOR', 'ADMIN')")
    List<TeamReview.Adjudication> adjudications(@RequestParam(defaultValue = "open") String state,
                                                @RequestParam(defaultValue = "50") int limit, @RequestParam(defaultValue = "0") int offset) {
        return team.adjudications(open(state), BadParameterException.nonNegative("limit", limit),
                BadParameterException.nonNegative("offset", offset));
    }

    @GetMapping("/api/curation/adjudications/{sampleId}")
    @PreAuthorize("hasAnyRole('VIEWER', 'CURATOR', 'ADMIN')")
    TeamReview.Adjudication adjudication(@PathVariable long sampleId) {
        return team.adjudication(sampleId).orElseThrow(() -> new NoSuchElementException("Sample " + sampleId
                + " was never adjudicated: its reviews did not disagree."));
    }

    /** The oldest disagreement the caller may settle (not one they reviewed); 204 when none waits. */
    @PostMapping("/api/curation/adjudications/next")
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    ResponseEntity<TeamReview.Adjudication> nextAdjudication(Principal principal) {
        lead(principal, "adjudicate");
        return team.nextAdjudication(principal.getName()).map(ResponseEntity::ok).orElseGet(() -> ResponseEntity.noContent().build());
    }

    @PostMapping("/api/curation/adjudications/{sampleId}/decision")
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    TeamReview.Adjudication adjudicate(@PathVariable long sampleId, @RequestBody CurationApi.DecisionRequest request,
                                       Principal principal) {
        lead(principal, "adjudicate");
        return team.adjudicate(principal.getName(), sampleId, request.asDecision());
    }

    /** Body of a draw for review of reviews: how many accepted samples, optionally of one curator's. */
    record Draw(@Nullable Integer count, @Nullable String curator) {}

    @PostMapping("/api/curation/rechecks/draw")
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    Map<String, Integer> draw(@RequestBody Draw request, Principal principal) {
        lead(principal, "draw samples for review of reviews");
        if (request.count() == null) {
            throw new IllegalArgumentException("'count' is missing: how many accepted samples to re-check (1 to 1000).");
        }
        return Map.of("drawn", team.drawRechecks(principal.getName(), request.count(), request.curator()));
    }

    @GetMapping("/api/curation/rechecks")
    @PreAuthorize("hasAnyRole('VIEWER', 'CURATOR', 'ADMIN')")
    List<TeamReview.Recheck> rechecks(@RequestParam(defaultValue = "open") String state,
                                      @RequestParam(defaultValue = "50") int limit, @RequestParam(defaultValue = "0") int offset) {
        return team.rechecks(open(state), BadParameterException.nonNegative("limit", limit),
                BadParameterException.nonNegative("offset", offset));
    }

    @PostMapping("/api/curation/rechecks/next")
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    ResponseEntity<TeamReview.Recheck> nextRecheck(Principal principal) {
        lead(principal, "re-check accepted samples");
        return team.nextRecheck(principal.getName()).map(ResponseEntity::ok).orElseGet(() -> ResponseEntity.noContent().build());
    }

    /** Body of a re-check's finding: UPHELD, or OVERTURNED with a reason code; an optional note. */
    record Finding(@Nullable String outcome, @Nullable ReasonCode reason, @Nullable String note) {}

    @PostMapping("/api/curation/rechecks/{id}/decision")
    @PreAuthorize("hasAnyRole('CURATOR', 'ADMIN')")
    TeamReview.Recheck decideRecheck(@PathVariable long id, @RequestBody Finding request, Principal principal) {
        lead(principal, "re-check accepted samples");
        if (request.outcome() == null || !request.outcome().matches("UPHELD|OVERTURNED")) {
            throw new IllegalArgumentException("'outcome' is UPHELD (the acceptance stands) or OVERTURNED (with a 'reason'),"
                    + " not " + (request.outcome() == null ? "missing" : "'" + request.outcome() + "'") + ".");
        }
        return team.decideRecheck(principal.getName(), id, request.outcome().equals("OVERTURNED"), request.reason(), request.note());
    }

    private void lead(Principal principal, String what) {
        if (!team.isLead(principal.getName())) {
            throw new AccessDeniedException(principal.getName() + " is not a lead: only admins and curators marked as lead may " + what);
        }
    }

    private static boolean open(String state) {
        return switch (state) {
            case "open" -> true;
            case "decided" -> false;
            default -> throw new IllegalArgumentException("'state' is open or decided, not '" + state + "'.");
        };
    }
}
