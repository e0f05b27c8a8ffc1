package dev.ditto.agent.judge;

/** What happens to a judged sample: curators see it, or it is rejected with the failing criterion as reason. */
public enum Decision {
    ACCEPT_TO_QUEUE,
    AUTO_REJECT
}
