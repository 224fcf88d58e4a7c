/* SPDX-License-Identifier: MIT */
/*
 * dma.h - a device's DMA request and what the IOMMU made of it.
 *
 * Every unit's translate() takes a struct dma_req and fills a struct
 * dma_result: either a translation (output address, the size of the page
 * or block that mapped it, the permissions that page grants) or a fault in
 * the unit's own terms (the architecture's code and name, plus named fields
 * such as the faulting level or the record's address). Nothing here knows
 * any architecture; the units fill in their own codes.
 */
#ifndef IOMMUSIM_MODEL_DMA_H
#define IOMMUSIM_MODEL_DMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Access kinds of a request, and permissions of a translation. */
#define DMA_ACC_READ 0x1u
#define DMA_ACC_WRITE 0x2u
#define DMA_ACC_EXEC 0x4u
#define DMA_ACC_PRIV 0x8u /* privileged (supervisor) request */

/**
 * struct dma_req - one DMA transaction as the IOMMU sees it.
 * @source_id: requester id (VT-d: bus<<8|devfn; SMMUv3: StreamID; PHB: RID).
 * @pasid: PASID / SubstreamID; meaningful only when @has_pasid.
 * @has_pasid: the request carries a PASID prefix.
 * @addr: the untranslated (IO virtual) address.
 * @access: DMA_ACC_* bits; READ or WRITE (or both), EXEC and PRIV optional.
 */
struct dma_req {
	uint32_t source_id;
	uint32_t pasid;
	bool has_pasid;
	uint64_t addr;
	unsigned int access;
};

#define DMA_FAULT_MAX_FIELDS 8

/**
 * struct dma_fault - why a unit refused a request.
 * @code: the architecture's fault reason / event type number.
 * @name: the architecture's mnemonic for it (a static string).
 * @nfields: entries used in @fields.
 * @fields: extra named values printed as key=0x... after the name; keys are
 *          static strings.
 */
struct dma_fault {
	uint32_t code;
	const char *name;
	unsigned int nfields;
	struct {
		const char *key;
		uint64_t val;
	} fields[DMA_FAULT_MAX_FIELDS];
};

/**
 * struct dma_xlat - a successful translation.
 * @out_addr: the output (physical) address of the request's byte.
 * @page_size: bytes mapped by the entry that translated it (a power of 2).
 * @perm: DMA_ACC_* permissions that entry grants.
 */
struct dma_xlat {
	uint64_t out_addr;
	uint64_t page_size;
	unsigned int perm;
};

struct dma_result {
	bool ok;
	union {
		struct dma_xlat xlat;
		struct dma_fault fault;
	};
};

void dma_fault_init(struct dma_result *res, uint32_t code, const char *name);
void dma_fault_add(struct dma_result *res, const char *key, uint64_t val);
void dma_xlat_set(struct dma_result *res, uint64_t out_addr, uint64_t page_size,
		  unsigned int perm);
size_t dma_perm_str(unsigned int perm, char *buf, size_t len);
int dma_result_format(const struct dma_result *res, char *buf, size_t len);

#endif /* IOMMUSIM_MODEL_DMA_H */
