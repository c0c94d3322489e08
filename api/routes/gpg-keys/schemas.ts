import { z } from 'zod';

export const addKey = z.object({
  /** The ASCII-armored public key (`gpg --armor --export <key-id>`). */
  asciiArmor: z.string().min(1).max(64 * 1024),
  /** Who the key belongs to, shown to Terraform and OpenTofu. */
  source: z.string().max(200).optional(),
  // Shown to clients as a link: only a web address, never javascript:, data: or file: URLs.
  sourceUrl: z.url({ protocol: /^https?$/, message: 'sourceUrl must be an http(s) URL' }).max(500).optional(),
});

export const deleteQuery = z.object({ force: z.enum(['true', 'false']).optional() });
export type AddKey = z.infer<typeof addKey>;
