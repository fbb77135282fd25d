package org.cytotriage.audit.change;

/**
 * An approval or a rollback as asked: a note, and the role it is given as ({@code role}: one of the
 * caller's, needed only by someone who holds both ml-engineer and cytopathologist-lead). Who gives it
 * is the caller's token, never a name in the request.
 */
public record DecisionRequest(String note, String role) {
}
