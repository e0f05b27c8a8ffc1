package dev.ditto.runners;

import dev.ditto.web.BadParameterException;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Admin REST for runner tokens: create (the token is in this answer only), list, revoke. Audited. */
@RestController
@RequestMapping("/api/admin/runners")
@PreAuthorize("hasRole('ADMIN')")
class RunnerAdminController {
    static final int MAX_LIMIT = 1000;
    private final RunnerTokens tokens;

    RunnerAdminController(RunnerTokens tokens) {
        this.tokens = tokens;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    CreatedRunner create(@RequestBody NewRunner request) {
        return tokens.create(request.name());
    }

    /** A page of runners, newest first: at most {@value #MAX_LIMIT} a request however many there are. */
    @GetMapping
    List<RunnerInfo> list(@RequestParam(defaultValue = "100") int limit, @RequestParam(defaultValue = "0") int offset) {
        if (limit > MAX_LIMIT) {
            throw new BadParameterException("The parameter 'limit' must be at most " + MAX_LIMIT + ", not " + limit
                    + "; page with 'offset'.");
        }
        return tokens.list(BadParameterException.nonNegative("limit", limit), BadParameterException.nonNegative("offset", offset));
    }

    @GetMapping("/{id}")
    RunnerInfo get(@PathVariable long id) {
        return tokens.find(id).orElseThrow(() -> new IllegalArgumentException("There is no runner " + id + "."));
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void revoke(@PathVariable long id) {
        tokens.revoke(id);
    }

    @PostMapping("/{id}/revoke")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void revokeByPost(@PathVariable long id) {
        tokens.revoke(id);
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<Message> badRequest(IllegalArgumentException e) {
        return ResponseEntity.badRequest().body(new Message(e.getMessage()));
    }

    /** Body of a create request. */
    record NewRunner(String name) {}

    /** An error's explanation. */
    record Message(String message) {}
}
