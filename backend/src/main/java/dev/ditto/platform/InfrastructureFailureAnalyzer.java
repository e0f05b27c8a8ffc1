package dev.ditto.platform;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns an unreachable PostgreSQL or Elasticsearch into a short start-up message instead of a stack trace. */
class InfrastructureFailureAnalyzer extends AbstractFailureAnalyzer<InfrastructureUnavailableException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InfrastructureUnavailableException cause) {
        String detail = cause.getCause() == null ? "" : " (" + cause.getCause().getMessage() + ")";
        return new FailureAnalysis("Ditto cannot start: " + cause.getMessage() + detail, cause.action(), cause);
    }
}
