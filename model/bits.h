/* SPDX-License-Identifier: MIT */
/*
 * bits.h - bit-field and byte-order helpers for architectural formats.
 *
 * Every register and in-memory structure in iommusim is described with
 * masks and shifts, never C bitfields: a bitfield's layout belongs to the
 * compiler and the host, a mask belongs to the specification. Fields are
 * named by an inclusive bit range [hi:lo] exactly as the specifications
 * print them, and read and written only through FIELD_GET/FIELD_PREP.
 *
 * Byte order is always explicit: ld_le64() reads eight bytes as a
 * little-endian number whatever the host is; there is no "native" load.
 */
#ifndef IOMMUSIM_MODEL_BITS_H
#define IOMMUSIM_MODEL_BITS_H

#include <stdbool.h>
#include <stdint.h>

/* uint64_t, not unsigned long long, so PRIx64 prints them everywhere. */
#define BIT_ULL(n) ((uint64_t)1 << (n))

/* Mask of bits hi..lo inclusive; hi >= lo, both 0..63. */
#define GENMASK_ULL(hi, lo) \
	((~(uint64_t)0 >> (63 - (hi))) & (~(uint64_t)0 << (lo)))

/* Shift of the lowest set bit of a (nonzero, constant) mask. */
#define FIELD_SHIFT(mask) ((unsigned int)__builtin_ctzll(mask))

/* The value of field @mask in @reg, shifted down to bit 0. */
#define FIELD_GET(mask, reg) \
	(((uint64_t)(reg) & (uint64_t)(mask)) >> FIELD_SHIFT(mask))

/* @val placed in field @mask; bits of @val that do not fit are dropped. */
#define FIELD_PREP(mask, val) \
	(((uint64_t)(val) << FIELD_SHIFT(mask)) & (uint64_t)(mask))

/* True when @val fits in field @mask without losing bits. */
#define FIELD_FITS(mask, val) \
	(((uint64_t)(val) & ~((uint64_t)(mask) >> FIELD_SHIFT(mask))) == 0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - __builtin_offsetof(type, member)))

/* Explicit-endian loads and stores on byte buffers (any alignment). */
static inline uint16_t ld_le16(const void *p)
{
	const uint8_t *b = p;

	return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint32_t ld_le32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static inline uint64_t ld_le64(const void *p)
{
	const uint8_t *b = p;

	return (uint64_t)ld_le32(b) | (uint64_t)ld_le32(b + 4) << 32;
}

static inline uint16_t ld_be16(const void *p)
{
	const uint8_t *b = p;

	return (uint16_t)(b[0] << 8 | b[1]);
}

static inline uint32_t ld_be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | (uint32_t)b[3];
}

static inline uint64_t ld_be64(const void *p)
{
	const uint8_t *b = p;

	return (uint64_t)ld_be32(b) << 32 | (uint64_t)ld_be32(b + 4);
}

static inline void st_le16(void *p, uint16_t v)
{
	uint8_t *b = p;

	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
}

static inline void st_le32(void *p, uint32_t v)
{
	uint8_t *b = p;

	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}

static inline void st_le64(void *p, uint64_t v)
{
	st_le32(p, (uint32_t)v);
	st_le32((uint8_t *)p + 4, (uint32_t)(v >> 32));
}

static inline void st_be16(void *p, uint16_t v)
{
	uint8_t *b = p;

	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static inline void st_be32(void *p, uint32_t v)
{
	uint8_t *b = p;

	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

static inline void st_be64(void *p, uint64_t v)
{
	st_be32(p, (uint32_t)(v >> 32));
	st_be32((uint8_t *)p + 4, (uint32_t)v);
}

/* a + b into *res; true on unsigned overflow (as check_add_overflow). */
static inline bool add_overflows_u64(uint64_t a, uint64_t b, uint64_t *res)
{
	return __builtin_add_overflow(a, b, res);
}

#endif /* IOMMUSIM_MODEL_BITS_H */
