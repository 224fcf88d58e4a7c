// SPDX-License-Identifier: MIT
/*
 * dma.c - helpers to build and print DMA results.
 *
 * The printed forms are the scenario script contract's:
 *   ok pa=0x... size=0x... perm=rw
 *   fault code=0x... name=SYMBOL [key=0x... ...]
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dma.h"

/**
 * dma_fault_init() - make @res a fault with no fields yet.
 * @res: the result.
 * @code: the architecture's number.
 * @name: its mnemonic (static).
 */
void dma_fault_init(struct dma_result *res, uint32_t code, const char *name)
{
	memset(res, 0, sizeof(*res));
	res->ok = false;
	res->fault.code = code;
	res->fault.name = name;
}

/**
 * dma_fault_add() - append a named field to a fault; fields beyond
 * DMA_FAULT_MAX_FIELDS are dropped (units never need that many).
 * @res: a fault made by dma_fault_init().
 * @key: static field name.
 * @val: value.
 */
void dma_fault_add(struct dma_result *res, const char *key, uint64_t val)
{
	struct dma_fault *f = &res->fault;

	if (res->ok || f->nfields >= DMA_FAULT_MAX_FIELDS)
		return;
	f->fields[f->nfields].key = key;
	f->fields[f->nfields].val = val;
	f->nfields++;
}

/**
 * dma_xlat_set() - make @res a successful translation.
 * @res: the result.
 * @out_addr: output address of the requested byte.
 * @page_size: size of the mapping entry.
 * @perm: DMA_ACC_* permissions granted.
 */
void dma_xlat_set(struct dma_result *res, uint64_t out_addr, uint64_t page_size,
		  unsigned int perm)
{
	memset(res, 0, sizeof(*res));
	res->ok = true;
	res->xlat.out_addr = out_addr;
	res->xlat.page_size = page_size;
	res->xlat.perm = perm;
}

/**
 * dma_perm_str() - permissions as "r", "w", "rw", "rwx", "none" ...
 * @perm: DMA_ACC_* bits (PRIV is printed as a trailing "p").
 * @buf: output.
 * @len: its size (8 is enough).
 *
 * Return: characters written, not counting the NUL.
 */
size_t dma_perm_str(unsigned int perm, char *buf, size_t len)
{
	char tmp[8];
	size_t n = 0;

	if (perm & DMA_ACC_READ)
		tmp[n++] = 'r';
	if (perm & DMA_ACC_WRITE)
		tmp[n++] = 'w';
	if (perm & DMA_ACC_EXEC)
		tmp[n++] = 'x';
	if (perm & DMA_ACC_PRIV)
		tmp[n++] = 'p';
	tmp[n] = '\0';
	return (size_t)snprintf(buf, len, "%s", n ? tmp : "none");
}

/**
 * dma_result_format() - the result as the contract's one output line.
 * @res: the result.
 * @buf: output (no newline).
 * @len: its size.
 *
 * Return: what snprintf returns for the whole line.
 */
int dma_result_format(const struct dma_result *res, char *buf, size_t len)
{
	const struct dma_fault *f = &res->fault;
	char perm[8];
	int n;

	if (res->ok) {
		dma_perm_str(res->xlat.perm, perm, sizeof(perm));
		return snprintf(buf, len,
				"ok pa=0x%" PRIx64 " size=0x%" PRIx64
				" perm=%s",
				res->xlat.out_addr, res->xlat.page_size, perm);
	}
	n = snprintf(buf, len, "fault code=0x%" PRIx32 " name=%s", f->code,
		     f->name ? f->name : "UNKNOWN");
	for (unsigned int i = 0; i < f->nfields && n >= 0; i++) {
		size_t used = (size_t)n < len ? (size_t)n : len;

		n += snprintf(buf + used, len - used, " %s=0x%" PRIx64,
			      f->fields[i].key, f->fields[i].val);
	}
	return n;
}
