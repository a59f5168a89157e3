// What every oneDNN call shares: the lock, the scratchpad attribute, work buffers that grow and
// are reused (so a call faults in no fresh pages), cached reorders, and weights kept in the
// layout their primitives want until the weights change.
#include "CDNNL.h"
#include "dnnl_api.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void percept_dnnl_lock(void) { pthread_mutex_lock(&lock); }
void percept_dnnl_unlock(void) { pthread_mutex_unlock(&lock); }

// Every primitive takes its scratchpad from the caller: oneDNN's library-managed scratchpad
// is not safe when the primitive runs on another thread than the one that made it (seen as a
// crash in backward-weights when Swift's tasks moved between threads).
static dnnl_primitive_attr_t user_scratchpad = NULL;

const_dnnl_primitive_attr_t percept_dnnl_scratchpad_attribute(void) {
    if (user_scratchpad == NULL) {
        dnnl_primitive_attr_t attr;
        if (!DNNL_OK(percept_dnnl.dnnl_primitive_attr_create(&attr))) return NULL;
        if (!DNNL_OK(percept_dnnl.dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user))) {
            percept_dnnl.dnnl_primitive_attr_destroy(attr);
            return NULL;
        }
        user_scratchpad = attr;
    }
    return user_scratchpad;
}

/// A buffer that only grows: slots 0-3 hold reordered arguments, slot 4 the scratchpad.
typedef struct {
    void *data;
    size_t bytes;
} work_buffer;

enum { SCRATCHPAD_SLOT = 4, WORK_SLOTS = 5 };
static work_buffer work[WORK_SLOTS];

/// Work buffer `slot` with room for `bytes`, 64-byte aligned; NULL when memory runs out.
static void *work_buffer_of(int slot, size_t bytes) {
    work_buffer *buffer = &work[slot];
    if (buffer->bytes < bytes) {
        size_t rounded = (bytes + 4095) / 4096 * 4096;
        void *grown = aligned_alloc(64, rounded);
        if (grown == NULL) return NULL;
        free(buffer->data);
        buffer->data = grown;
        buffer->bytes = rounded;
    }
    return buffer->data;
}

static void (*call_observer)(void) = NULL;

void percept_dnnl_set_call_observer(void (*observer)(void)) { call_observer = observer; }

void percept_dnnl_note_call(void) {
    if (call_observer != NULL) call_observer();
}

int percept_dnnl_execute(dnnl_primitive_t primitive, int count, const int *kinds, const dnnl_memory_desc_t **layouts,
                         void **data) {
    percept_dnnl_note_call();
    enum { MAX_ARGUMENTS = 12 };
    if (count >= MAX_ARGUMENTS) return 0;
    dnnl_exec_arg_t args[MAX_ARGUMENTS];
    const dnnl_memory_desc_t *layout[MAX_ARGUMENTS];
    void *pointers[MAX_ARGUMENTS];
    for (int i = 0; i < count; i++) {
        args[i].arg = kinds[i];
        layout[i] = layouts[i];
        pointers[i] = data[i];
    }
    const_dnnl_primitive_desc_t pd;
    if (!DNNL_OK(percept_dnnl.dnnl_primitive_get_primitive_desc(primitive, &pd))) return 0;
    const dnnl_memory_desc_t *scratch = percept_dnnl.dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
    size_t scratch_bytes = scratch == NULL ? 0 : percept_dnnl.dnnl_memory_desc_get_size(scratch);
    if (scratch_bytes > 0) {
        void *scratchpad = work_buffer_of(SCRATCHPAD_SLOT, scratch_bytes);
        if (scratchpad == NULL) return 0;
        args[count].arg = DNNL_ARG_SCRATCHPAD;
        layout[count] = scratch;
        pointers[count] = scratchpad;
        count++;
    }
    int made = 0, ok = 1;
    for (; made < count && ok; made++) {
        ok = DNNL_OK(percept_dnnl.dnnl_memory_create(&args[made].memory, layout[made], percept_dnnl_engine, pointers[made]));
    }
    if (!ok) made--;
    ok = ok && DNNL_OK(percept_dnnl.dnnl_primitive_execute(primitive, percept_dnnl_stream, count, args)) &&
         DNNL_OK(percept_dnnl.dnnl_stream_wait(percept_dnnl_stream));
    for (int i = 0; i < made; i++) percept_dnnl.dnnl_memory_destroy(args[i].memory);
    return ok;
}

/// A cached reorder between two layouts.
typedef struct reorder_entry {
    dnnl_memory_desc_t from, to;
    dnnl_primitive_t primitive;
    struct reorder_entry *next;
} reorder_entry;

static reorder_entry *reorders = NULL;

int percept_dnnl_reorder(const dnnl_memory_desc_t *from, const void *data, const dnnl_memory_desc_t *to, void *out) {
    reorder_entry *entry = reorders;
    while (entry != NULL && !(percept_dnnl.dnnl_memory_desc_equal(&entry->from, from) &&
                              percept_dnnl.dnnl_memory_desc_equal(&entry->to, to))) {
        entry = entry->next;
    }
    if (entry == NULL) {
        dnnl_primitive_desc_t pd;
        entry = calloc(1, sizeof *entry);
        if (entry == NULL) return 0;
        if (!DNNL_OK(percept_dnnl.dnnl_reorder_primitive_desc_create(&pd, from, percept_dnnl_engine, to, percept_dnnl_engine,
                                                                     percept_dnnl_scratchpad_attribute()))) {
            free(entry);
            return 0;
        }
        int made = DNNL_OK(percept_dnnl.dnnl_primitive_create(&entry->primitive, pd));
        percept_dnnl.dnnl_primitive_desc_destroy(pd);
        if (!made) {
            free(entry);
            return 0;
        }
        entry->from = *from;
        entry->to = *to;
        entry->next = reorders;
        reorders = entry;
    }
    int kinds[2] = {DNNL_ARG_FROM, DNNL_ARG_TO};
    const dnnl_memory_desc_t *layouts[2] = {from, to};
    void *data_pointers[2] = {(void *)data, out};
    return percept_dnnl_execute(entry->primitive, 2, kinds, layouts, data_pointers);
}

/// A weight tensor reordered into a primitive's layout, valid while its storage (at `source`)
/// keeps `generation`.
typedef struct weight_entry {
    const void *source;
    uint64_t generation;
    dnnl_memory_desc_t layout;
    void *data;
    size_t bytes;
    uint64_t last_use;
    struct weight_entry *next;
} weight_entry;

static weight_entry *weights = NULL;
static size_t weight_bytes = 0;
static uint64_t weight_clock = 0;
// A training step writes every weight, so each step gives it a new generation (and often a new
// storage): a copy of the same storage is refreshed in place, and a copy not asked for in the
// last `weight_window` lookups belongs to a storage that is gone or rewritten and is dropped, so
// the copies stay near one per weight; beyond that, least recently used copies go once the copies
// pass the budget.
static const size_t weight_budget = (size_t)256 << 20;
static const uint64_t weight_window = 1024;

/// Frees the copies not used within the window.
static void drop_stale(void) {
    for (weight_entry **link = &weights; *link != NULL;) {
        weight_entry *entry = *link;
        if (weight_clock - entry->last_use <= weight_window) {
            link = &entry->next;
            continue;
        }
        *link = entry->next;
        weight_bytes -= entry->bytes;
        free(entry->data);
        free(entry);
    }
}

/// Frees stale copies, then least recently used ones until `incoming` more bytes fit the budget.
static void make_room(size_t incoming) {
    drop_stale();
    while (weights != NULL && weight_bytes + incoming > weight_budget) {
        weight_entry **oldest = &weights;
        for (weight_entry **link = &weights; *link != NULL; link = &(*link)->next) {
            if ((*link)->last_use < (*oldest)->last_use) oldest = link;
        }
        weight_entry *victim = *oldest;
        *oldest = victim->next;
        weight_bytes -= victim->bytes;
        free(victim->data);
        free(victim);
    }
}

/// The cached copy of the weights at `generation` in `wanted`, made (by reordering `data`) when
/// missing; NULL on failure.
static void *cached_weights(const dnnl_memory_desc_t *user, const void *data, const dnnl_memory_desc_t *wanted,
                            uint64_t generation) {
    for (weight_entry *e = weights; e != NULL; e = e->next) {
        if (e->source != data || !percept_dnnl.dnnl_memory_desc_equal(&e->layout, wanted)) continue;
        if (e->generation != generation) {
            if (!percept_dnnl_reorder(user, data, wanted, e->data)) return NULL;
            e->generation = generation;
        }
        e->last_use = ++weight_clock;
        return e->data;
    }
    size_t bytes = percept_dnnl.dnnl_memory_desc_get_size(wanted);
    make_room(bytes);
    weight_entry *entry = calloc(1, sizeof *entry);
    void *copy = aligned_alloc(64, (bytes + 63) / 64 * 64);
    if (entry == NULL || copy == NULL || !percept_dnnl_reorder(user, data, wanted, copy)) {
        free(entry);
        free(copy);
        return NULL;
    }
    *entry = (weight_entry){data, generation, *wanted, copy, bytes, ++weight_clock, weights};
    weights = entry;
    weight_bytes += bytes;
    return copy;
}

void *percept_dnnl_in_layout(const dnnl_memory_desc_t *user, const void *data, const dnnl_memory_desc_t *wanted,
                             int fill, int slot, uint64_t generation) {
    if (percept_dnnl.dnnl_memory_desc_equal(user, wanted)) return (void *)data;
    if (fill && generation != 0) return cached_weights(user, data, wanted, generation);
    void *buffer = work_buffer_of(slot, percept_dnnl.dnnl_memory_desc_get_size(wanted));
    if (buffer == NULL) return NULL;
    if (fill && !percept_dnnl_reorder(user, data, wanted, buffer)) return NULL;
    return buffer;
}
