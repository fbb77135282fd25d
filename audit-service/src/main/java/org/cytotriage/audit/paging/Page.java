package org.cytotriage.audit.paging;

import java.util.List;
import java.util.function.Function;

import io.quarkus.hibernate.orm.panache.PanacheQuery;

/** One page of a listing: {@code page} counts from 0; {@code total} is the number of items on all pages. */
public record Page<T>(int page, int size, long total, List<T> items) {

    public static final int MAX_SIZE = 200;

    public static <E, T> Page<T> of(PanacheQuery<E> query, int page, int size, Function<E, T> view) {
        int bounded = Math.max(1, Math.min(size, MAX_SIZE));
        int index = Math.max(0, page);
        List<T> items = query.page(io.quarkus.panache.common.Page.of(index, bounded)).list().stream().map(view).toList();
        return new Page<>(index, bounded, query.count(), items);
    }
}
