package dev.ditto.jobs;

import dev.ditto.web.BadParameterException;
import dev.ditto.protocol.JobType;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Admin REST for the queue: statistics, listing, and retry / drop of single jobs (audited by the queue). */
@RestController
@RequestMapping("/api/admin/jobs")
@PreAuthorize("hasRole('ADMIN')")
class JobAdminController {
    private final JobQueue queue;

    JobAdminController(JobQueue queue) {
        this.queue = queue;
    }

    @GetMapping("/stats")
    QueueStats stats() {
        return queue.stats();
    }

    @GetMapping
    List<JobView> list(@RequestParam(required = false) @Nullable JobStatus status,
                       @RequestParam(required = false) @Nullable JobType type,
                       @RequestParam(defaultValue = "50") int limit, @RequestParam(defaultValue = "0") int offset) {
        return queue.list(status, type, BadParameterException.nonNegative("limit", limit),
                BadParameterException.nonNegative("offset", offset));
    }

    @GetMapping("/{id}")
    JobView get(@PathVariable long id) {
        return queue.find(id).orElseThrow(() -> new JobNotFoundException(id));
    }

    @PostMapping("/{id}/retry")
    JobView retry(@PathVariable long id) {
        queue.retry(id);
        return get(id);
    }

    @PostMapping("/{id}/drop")
    JobView drop(@PathVariable long id) {
        queue.drop(id);
        return get(id);
    }

    @ExceptionHandler(JobNotFoundException.class)
    ResponseEntity<Message> notFound(JobNotFoundException e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(new Message(e.getMessage()));
    }

    @ExceptionHandler(IllegalStateException.class)
    ResponseEntity<Message> conflict(IllegalStateException e) {
        return ResponseEntity.status(HttpStatus.CONFLICT).body(new Message(e.getMessage()));
    }

    /** An error's explanation. */
    record Message(String message) {}
}
