/* `-z tlsaudit,table[,filter]` (Statistics ▸ TLS Audit Connections): one row per TLS connection,
 * from the connection summaries stored per frame (dissect.c queues them on the tap). */
#include "plugin.h"

#include <epan/stat_tap_ui.h>
#include <epan/tap.h>

enum {
    COL_CONN,
    COL_CLIENT,
    COL_SERVER,
    COL_SNI,
    COL_VERSION,
    COL_CIPHER,
    COL_COMPLETE,
    COL_N_FINDINGS,
    COL_WORST,
    COL_FINDINGS,
    COL__COUNT
};

static stat_tap_table_item table_fields[COL__COUNT] = {
    {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Conn", "%u"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Client", "%s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Server", "%s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "SNI", "%s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Version", "%s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Cipher suite", "%s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Complete", "%s"},
    {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Findings", "%u"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Worst", "%s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Finding ids", "%s"},
};

static const char table_name[] = "TLS connections";

/* Rows are created by the packet callback; string cells are g_strdup'd and freed here. */
static void table_drop_rows(stat_tap_table *table) {
    for (guint r = 0; r < table->num_elements; r++) {
        for (guint f = 0; f < table->num_fields; f++) {
            stat_tap_table_item_type *it = &table->elements[r][f];
            if (it->type == TABLE_ITEM_STRING)
                g_free((gpointer)it->value.string_value);
        }
        g_free(table->elements[r]);
    }
    g_free(table->elements);
    table->elements = NULL;
    table->num_elements = 0;
}

static void table_init(stat_tap_table_ui *ui) {
    stat_tap_table *table = stat_tap_find_table(ui, table_name);
    if (table != NULL) {
        table_drop_rows(table);
        return;
    }
    table = stat_tap_init_table(table_name, COL__COUNT, 0, NULL);
    stat_tap_add_table(ui, table);
}

static void table_reset(stat_tap_table *table) {
    table_drop_rows(table);
}

static void table_free_item(stat_tap_table *table, guint row, guint column,
                            stat_tap_table_item_type *field) {
    (void)table;
    (void)row;
    (void)column;
    if (field->type == TABLE_ITEM_STRING) {
        g_free((gpointer)field->value.string_value);
        field->value.string_value = NULL;
    }
}

static void set_str(stat_tap_table_item_type *items, int col, const char *s) {
    items[col].type = TABLE_ITEM_STRING;
    items[col].value.string_value = g_strdup(s != NULL ? s : "");
}

static tap_packet_status table_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt,
                                      const void *data, tap_flags_t flags) {
    (void)pinfo;
    (void)edt;
    (void)flags;
    stat_data_t *sd = (stat_data_t *)tapdata;
    const pl_frame *r = (const pl_frame *)data;
    if (r == NULL || sd->stat_tap_data->tables == NULL || sd->stat_tap_data->tables->len == 0)
        return TAP_PACKET_DONT_REDRAW;
    stat_tap_table *table = g_array_index(sd->stat_tap_data->tables, stat_tap_table *, 0);
    guint n_sum = wmem_array_get_count(r->summaries);
    for (guint i = 0; i < n_sum; i++) {
        const pl_summary *sum = *(pl_summary *const *)wmem_array_index(r->summaries, i);
        stat_tap_table_item_type items[COL__COUNT];
        memset(items, 0, sizeof items);
        items[COL_CONN].type = TABLE_ITEM_UINT;
        items[COL_CONN].value.uint_value = sum->conn_index;
        set_str(items, COL_CLIENT, sum->client);
        set_str(items, COL_SERVER, sum->server);
        set_str(items, COL_SNI, sum->sni);
        set_str(items, COL_VERSION, sum->version);
        set_str(items, COL_CIPHER, sum->cipher);
        set_str(items, COL_COMPLETE, sum->complete ? "yes" : "no");
        items[COL_N_FINDINGS].type = TABLE_ITEM_UINT;
        items[COL_N_FINDINGS].value.uint_value = sum->n_findings;
        int worst = -1;
        GString *ids = g_string_new(NULL);
        for (guint k = 0; k < sum->n_findings; k++) {
            if ((int)sum->findings[k].severity > worst)
                worst = sum->findings[k].severity;
            if (k > 0)
                g_string_append_c(ids, ',');
            g_string_append(ids, tlsa_finding_id_str((tlsa_finding_id)sum->findings[k].id));
        }
        set_str(items, COL_WORST, worst >= 0 ? tlsa_severity_name((tlsa_severity)worst) : "-");
        items[COL_FINDINGS].type = TABLE_ITEM_STRING;
        items[COL_FINDINGS].value.string_value = g_string_free(ids, FALSE);
        stat_tap_init_table_row(table, table->num_elements, COL__COUNT, items);
    }
    return n_sum > 0 ? TAP_PACKET_REDRAW : TAP_PACKET_DONT_REDRAW;
}

static tap_param table_params[] = {{PARAM_FILTER, "filter", "Filter", NULL, TRUE}};

static stat_tap_table_ui table_ui = {
    REGISTER_PACKET_STAT_GROUP_UNSORTED,
    "TLS Audit Connections",
    "tlsaudit",
    "tlsaudit,table",
    table_init,
    table_packet,
    table_reset,
    table_free_item,
    NULL,
    G_N_ELEMENTS(table_fields),
    table_fields,
    G_N_ELEMENTS(table_params),
    table_params,
    NULL,
    0,
};

void pl_table_register(void) {
    register_stat_tap_table_ui(&table_ui);
}
