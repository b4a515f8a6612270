// SPDX-License-Identifier: GPL-2.0
/*
 * Any protobuf-c message as JSON, driven by its descriptor alone, so new
 * image kinds need nothing here.  Input comes from untrusted files: every
 * string is escaped, enum numbers unknown to the descriptor print as numbers.
 */

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "crit.h"

static void newline(FILE *f, int indent)
{
	if (indent < 0)
		return;
	fputc('\n', f);
	while (indent-- > 0)
		fputs("    ", f);
}

void json_print_string(FILE *f, const char *s, size_t len)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c >= 0x7f)
			/* Bytes, not code points: keeps invalid UTF-8 visible and valid JSON. */
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void print_base64(FILE *f, const uint8_t *p, size_t len)
{
	static const char tbl[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	fputc('"', f);
	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = p[i] << 16 | p[i + 1] << 8 | p[i + 2];

		fprintf(f, "%c%c%c%c", tbl[v >> 18], tbl[(v >> 12) & 63], tbl[(v >> 6) & 63],
			tbl[v & 63]);
	}
	if (len - i == 1) {
		uint32_t v = p[i] << 16;

		fprintf(f, "%c%c==", tbl[v >> 18], tbl[(v >> 12) & 63]);
	} else if (len - i == 2) {
		uint32_t v = p[i] << 16 | p[i + 1] << 8;

		fprintf(f, "%c%c%c=", tbl[v >> 18], tbl[(v >> 12) & 63], tbl[(v >> 6) & 63]);
	}
	fputc('"', f);
}

static void print_double(FILE *f, double d)
{
	/* JSON has no NaN or infinity. */
	if (isnan(d) || isinf(d))
		fputs("null", f);
	else
		fprintf(f, "%.17g", d);
}

static void print_value(FILE *f, const ProtobufCFieldDescriptor *fd, const void *p, int indent)
{
	switch (fd->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		fprintf(f, "%" PRId32, *(const int32_t *)p);
		break;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		fprintf(f, "%" PRIu32, *(const uint32_t *)p);
		break;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		fprintf(f, "%" PRId64, *(const int64_t *)p);
		break;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		fprintf(f, "%" PRIu64, *(const uint64_t *)p);
		break;
	case PROTOBUF_C_TYPE_FLOAT:
		print_double(f, *(const float *)p);
		break;
	case PROTOBUF_C_TYPE_DOUBLE:
		print_double(f, *(const double *)p);
		break;
	case PROTOBUF_C_TYPE_BOOL:
		fputs(*(const protobuf_c_boolean *)p ? "true" : "false", f);
		break;
	case PROTOBUF_C_TYPE_ENUM: {
		const ProtobufCEnumValue *ev;
		int v = *(const int *)p;

		ev = protobuf_c_enum_descriptor_get_value(fd->descriptor, v);
		if (ev)
			json_print_string(f, ev->name, strlen(ev->name));
		else
			fprintf(f, "%d", v);
		break;
	}
	case PROTOBUF_C_TYPE_STRING: {
		const char *s = *(char *const *)p;

		if (s)
			json_print_string(f, s, strlen(s));
		else
			fputs("null", f);
		break;
	}
	case PROTOBUF_C_TYPE_BYTES: {
		const ProtobufCBinaryData *b = p;

		print_base64(f, b->data, b->len);
		break;
	}
	case PROTOBUF_C_TYPE_MESSAGE: {
		const ProtobufCMessage *m = *(const ProtobufCMessage *const *)p;

		if (m)
			json_print_msg(f, m, indent);
		else
			fputs("null", f);
		break;
	}
	}
}

static size_t value_size(const ProtobufCFieldDescriptor *fd)
{
	switch (fd->type) {
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_DOUBLE:
		return 8;
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(void *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	default:
		return 4;
	}
}

static int field_present(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd)
{
	const char *base = (const char *)m;
	const void *member = base + fd->offset;

	if (fd->label == PROTOBUF_C_LABEL_REPEATED)
		return *(const size_t *)(base + fd->quantifier_offset) != 0;
	if (fd->label == PROTOBUF_C_LABEL_REQUIRED)
		return 1;
	if (fd->type == PROTOBUF_C_TYPE_STRING || fd->type == PROTOBUF_C_TYPE_MESSAGE)
		return *(void *const *)member != NULL;
	if (fd->quantifier_offset)
		return *(const protobuf_c_boolean *)(base + fd->quantifier_offset);
	return 1;
}

void json_print_msg(FILE *f, const ProtobufCMessage *m, int indent)
{
	json_print_msg_extra(f, m, indent, NULL, 0);
}

void json_print_msg_extra(FILE *f, const ProtobufCMessage *m, int indent, const char *key,
			  int64_t val)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	int inner = indent < 0 ? -1 : indent + 1;
	const char *sep = indent < 0 ? ", " : ",";
	int first = 1;
	unsigned i;

	fputc('{', f);
	for (i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *fd = &d->fields[i];
		const char *member = (const char *)m + fd->offset;

		if (!field_present(m, fd))
			continue;
		if (!first)
			fputs(sep, f);
		first = 0;
		newline(f, inner);
		json_print_string(f, fd->name, strlen(fd->name));
		fputs(": ", f);

		if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = *(const size_t *)((const char *)m + fd->quantifier_offset);
			const char *arr = *(char *const *)member;
			size_t es = value_size(fd), j;

			fputc('[', f);
			for (j = 0; j < n; j++) {
				if (j)
					fputs(", ", f);
				print_value(f, fd, arr + j * es, inner);
			}
			fputc(']', f);
			continue;
		}
		print_value(f, fd, member, inner);
	}
	if (m->n_unknown_fields) {
		if (!first)
			fputs(sep, f);
		first = 0;
		newline(f, inner);
		fprintf(f, "\"__unknown_fields\": %u", m->n_unknown_fields);
	}
	if (key) {
		if (!first)
			fputs(sep, f);
		first = 0;
		newline(f, inner);
		json_print_string(f, key, strlen(key));
		fprintf(f, ": %" PRId64, val);
	}
	if (!first)
		newline(f, indent);
	fputc('}', f);
}
