import { AppError } from '@/lib/errors';
import { apiErrorResponse } from '@/lib/api/handler';

// Any /v1 path no route claims: the API's 404 body, never Next's HTML page.
function notFound(request: Request) {
  const { pathname } = new URL(request.url);
  return apiErrorResponse(new AppError('not_found', `No such API route: ${request.method} ${pathname}`));
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
