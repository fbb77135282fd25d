package org.cytotriage.support.identity;

/**
 * Who did something, as the record keeps it: the account's stable subject id at the identity
 * provider, its login name, and the person's name as it was when they acted.
 */
public record Actor(String subject, String username, String name) {
}
